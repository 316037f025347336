/*
 * tamizdat mirror: the site's signing key, signed bundles of public/, and
 * keeping mirrors in sync.  The work is in src/mirror/.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mirror/mirror.h"
#include "util/fsutil.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat mirror keygen [--force]\n"
        "       tamizdat mirror pack [OUT] [--time SECONDS]\n"
        "       tamizdat mirror verify BUNDLE [--pubkey KEY]\n"
        "       tamizdat mirror pull SOURCE DIR [--pubkey KEY] [--proxy URL]\n"
        "       tamizdat mirror sign FILE\n"
        "\n"
        "keygen  makes the site's Ed25519 signing key: DIR/minisign.key (mode 0600,\n"
        "        unencrypted, never published) and DIR/minisign.pub (published as\n"
        "        public/mirror/minisign.pub by pack).  init makes one already.\n"
        "pack    writes a signed bundle of public/ into public/mirror/ (site.tar,\n"
        "        manifest, their .minisig signatures, parts/, minisign.pub and\n"
        "        mirrors.json.minisig), and OUT (with\n"
        "        OUT.minisig) if given.  The signed time is now (or --time, or\n"
        "        SOURCE_DATE_EPOCH), moved past the previous bundle's: mirrors refuse\n"
        "        older bundles.  Anyone can check it: minisign -Vm site.tar -p KEY.\n"
        "verify  checks a bundle: the signature with KEY (a minisign .pub file or its\n"
        "        base64; default: the site's minisign.pub), every file's SHA-256.\n"
        "pull    makes or updates a mirror in DIR from SOURCE: a bundle file, a folder\n"
        "        holding a site copy, the URL of a published site (its mirror/ files\n"
        "        are used) or of a bundle (.tar).  The signature is checked first,\n"
        "        then only changed files are fetched; DIR is a symbolic link to\n"
        "        DIR.mirror/TIME, switched in one rename.  The first pull needs\n"
        "        --pubkey; the key is then pinned in DIR.mirror/minisign.pub.\n"
        "        --proxy takes a libcurl proxy URL (socks5h://127.0.0.1:9050 for Tor).\n"
        "sign    signs FILE with the site's key into FILE.minisig.\n";

static int keygen(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"force", no_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct minisign_pub pub;
	char path[4096], id[17];
	bool force = false;
	int c;

	while ((c = cli_getopt(argc, argv, "fh", opts, usage)) != -1)
		if (c == 'f')
			force = true;
	if (optind != argc)
		return cli_usage(usage);
	snprintf(path, sizeof(path), "%s/tamizdat.ini", cli.dir);
	if (!fs_exists(path))
		return cli_fail("%s is not a tamizdat site (see: tamizdat init)", cli.dir);
	if (mirror_keygen(cli.dir, force) != 0)
		return cli_fail_reason();
	snprintf(path, sizeof(path), "%s/%s", cli.dir, MIRROR_PUB_FILE);
	if (mirror_pub_load(path, &pub) != 0)
		return cli_fail_reason();
	minisign_keyid_hex(pub.keyid, id);
	if (!cli.quiet)
		log_info("made signing key %s: %s/%s (secret, 0600) and %s", id, cli.dir,
		         MIRROR_KEY_FILE, path);
	return EXIT_OK;
}

static int parse_time(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int pack(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"time", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct mirror_pack_opts o = {0};
	struct mirror_pack_stats st;
	struct minisign_key key;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct site site;
	char id[17];
	int c, rc = EXIT_FAIL;

	if (sde && *sde) {
		if (parse_time(sde, &o.time) != 0)
			return cli_fail("SOURCE_DATE_EPOCH \"%s\" is not a positive number", sde);
		o.exact_time = true;
	}
	while ((c = cli_getopt(argc, argv, "t:h", opts, usage)) != -1)
		if (c == 't') {
			if (parse_time(optarg, &o.time) != 0)
				return cli_fail("--time \"%s\" is not a positive number", optarg);
			o.exact_time = true;
		}
	if (optind + 1 < argc)
		return cli_usage(usage);
	o.out = optind < argc ? argv[optind] : NULL;
	if (cli_open(&site, SITE_NO_THEME | SITE_READONLY) != 0)
		return EXIT_FAIL;
	if (mirror_key_load(site.dir, &key) != 0) {
		cli_fail_reason();
		goto out;
	}
	o.public_dir = site.public_dir;
	o.site_url = site.cfg.base_url;
	o.key = &key;
	if (mirror_pack(&o, &st) != 0) {
		cli_fail("pack failed: %s", log_reason());
		goto out;
	}
	minisign_keyid_hex(key.keyid, id);
	if (!cli.quiet)
		log_info(
		        "packed %zu files (%.1f MB) into %s/mirror/site.tar (%.1f MB, %zu manifest "
		        "parts), signed at %lld with key %s, in %.2f s",
		        st.files, (double)st.bytes / 1e6, site.public_dir,
		        (double)st.tar_bytes / 1e6, st.parts, (long long)st.time, id, st.seconds);
	rc = EXIT_OK;
out:
	memset(&key, 0, sizeof(key));
	site_close(&site);
	return rc;
}

/* The public key of --pubkey, or the site's own. */
static int load_pub(const char *arg, struct minisign_pub *pub)
{
	char path[4096];

	if (arg)
		return mirror_pub_load(arg, pub);
	snprintf(path, sizeof(path), "%s/%s", cli.dir, MIRROR_PUB_FILE);
	if (!fs_exists(path))
		return log_fail("no public key: give one with --pubkey KEY");
	return mirror_pub_load(path, pub);
}

static int verify(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"pubkey", required_argument, NULL, 'p'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct mirror_verify_stats st;
	struct minisign_pub pub;
	const char *key = NULL;
	char id[17];
	int c;

	while ((c = cli_getopt(argc, argv, "p:h", opts, usage)) != -1)
		if (c == 'p')
			key = optarg;
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (load_pub(key, &pub) != 0)
		return cli_fail_reason();
	if (mirror_verify(argv[optind], &pub, &st) != 0)
		return cli_fail("%s: %s", argv[optind], log_reason());
	minisign_keyid_hex(pub.keyid, id);
	printf("%s: good bundle of %zu files (%.1f MB) of %s, signed at %lld by key %s\n",
	       argv[optind], st.files, (double)st.bytes / 1e6, st.site, (long long)st.time, id);
	return EXIT_OK;
}

static int pull(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"pubkey", required_argument, NULL, 'p'},
	        {"proxy", required_argument, NULL, 'x'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct mirror_pull_opts o = {0};
	struct mirror_pull_stats st;
	struct minisign_pub pub;
	int c;

	while ((c = cli_getopt(argc, argv, "p:x:h", opts, usage)) != -1) {
		if (c == 'p') {
			if (mirror_pub_load(optarg, &pub) != 0)
				return cli_fail_reason();
			o.pub = &pub;
		} else if (c == 'x') {
			o.proxy = optarg;
		}
	}
	if (optind + 2 != argc)
		return cli_usage(usage);
	o.source = argv[optind];
	o.dir = argv[optind + 1];
	if (mirror_pull(&o, &st) != 0)
		return cli_fail("pull refused, %s left as it was: %s", o.dir, log_reason());
	if (cli.quiet)
		return EXIT_OK;
	if (st.up_to_date)
		log_info("%s is up to date (bundle signed at %lld)", o.dir, (long long)st.time);
	else
		log_info(
		        "%s: %zu files; %zu fetched (%llu bytes), %zu kept, %zu removed; "
		        "%llu bytes of manifest (%zu parts fetched), %zu requests; signed at %lld; "
		        "%.2f s",
		        o.dir, st.files, st.fetched, (unsigned long long)st.bytes_files, st.kept,
		        st.removed, (unsigned long long)st.bytes_meta, st.parts_fetched,
		        st.requests, (long long)st.time, st.seconds);
	return EXIT_OK;
}

static int sign(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct minisign_key key;
	struct buf data = BUF_INIT, sig = BUF_INIT, comment = BUF_INIT;
	const char *file, *slash;
	char path[4096];
	int rc = EXIT_FAIL;

	while (cli_getopt(argc, argv, "h", opts, usage) != -1)
		;
	if (optind + 1 != argc)
		return cli_usage(usage);
	file = argv[optind];
	if (mirror_key_load(cli.dir, &key) != 0)
		return cli_fail_reason();
	if (fs_read_file(file, &data, (size_t)1 << 32) != 0) {
		cli_fail_reason();
		goto out;
	}
	slash = strrchr(file, '/');
	buf_printf(&comment, "timestamp:%lld\tfile:%s", (long long)time(NULL),
	           slash ? slash + 1 : file);
	minisign_sign(&key, data.p, data.n, comment.p, &sig);
	snprintf(path, sizeof(path), "%s.minisig", file);
	if (fs_write_atomic(path, sig.p, sig.n, FS_SYNC) == FS_WRITE_ERROR) {
		cli_fail_reason();
		goto out;
	}
	rc = EXIT_OK;
out:
	memset(&key, 0, sizeof(key));
	buf_finish(&data);
	buf_finish(&sig);
	buf_finish(&comment);
	return rc;
}

int cmd_mirror(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
	        {"keygen", keygen}, {"pack", pack}, {"verify", verify},
	        {"pull", pull},     {"sign", sign},
	};
	size_t i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (argc >= 2) {
			printf("usage: %s", usage);
			return EXIT_OK;
		}
		return cli_usage(usage);
	}
	for (i = 0; i < NELEM(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	return cli_fail("unknown mirror command \"%s\" (see: tamizdat mirror --help)", argv[1]);
}
