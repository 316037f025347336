/*
 * Tests for src/mirror: minisign formats and signatures, the tar writer
 * and reader, manifests, and pack/verify/pull on a small folder.
 */
#include "test.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mirror/manifest.h"
#include "mirror/minisign.h"
#include "mirror/mirror.h"
#include "mirror/tar.h"
#include "util/arena.h"
#include "util/fsutil.h"
#include "util/log.h"

/* ---- minisign ------------------------------------------------------- */

/*
 * A key pair and a signature made by minisign 0.11 itself (minisign -G -W;
 * echo hello | minisign -S), so that the parsers are checked against the
 * real tool's output and not only against our own writer.
 */
static const char real_pub[] = "untrusted comment: minisign public key EE3A27161ED493C9\n"
                               "RWTJk9QeFic67ijsR9d3BdhFdgygIsdClrhEWJIvoqh7X6moYsLA2wWT\n";
static const char real_key[] =
        "untrusted comment: minisign encrypted secret key\n"
        "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAyZPUHhYnOu70qKaQ"
        "gf6C/6ceOINFRkj4aWBYGXfjDJJZN4hp+ADYtijsR9d3BdhFdgygIsdClrhEWJIvoqh7X6moYsLA2wWTAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
/* minisign -S -m msg (prehashed) and minisign -S -l (legacy) over "hello\n". */
static const char real_sig[] =
        "untrusted comment: signature from minisign secret key\n"
        "RUTJk9QeFic67nyH7Em2TrKbKgjNvrcUdyaKjT8R5vniFDtuwzjogdpvXueImTZsuQ5BwPhHBUUqbjHj8pBZQzXBMi"
        "3smTRqMQE=\n"
        "trusted comment: timestamp:1 test\n"
        "N7aug+qpxTm8rWGPmsDzvxyIsrxRr+3PS6RnvWVxUrhu9J8UNIOuhm4iHxy43aZBemTpRkWqOPQkLiAF3cxZAA=="
        "\n";
static const char real_legacy_sig[] =
        "untrusted comment: signature from minisign secret key\n"
        "RWTJk9QeFic67ovoq3q/4YpQDT6Bvk2C9jndLYcGC22m3w0sk7Qs6uMGy8Hi98C/W87mlvhgDMDK6UnU/iufZ+TmK5"
        "Onp3Ndlgs=\n"
        "trusted comment: legacy\n"
        "PXZaNZ5nclPSfCushnGbhZ90Cczw/tB9ybsBa9EsNq5geGmqEgbjhl48nr1/X3OHG1GhxSKW3oxUqNKz/"
        "EgiAA==\n";

TEST(minisign_reads_the_real_tool)
{
	struct minisign_pub pub, mine;
	struct minisign_key key;
	struct minisign_sig sig;
	struct buf b = BUF_INIT;
	char id[17];

	CHECK(minisign_pub_parse(&pub, real_pub, strlen(real_pub)) == 0);
	minisign_keyid_hex(pub.keyid, id);
	CHECK_STREQ(id, "EE3A27161ED493C9");
	CHECK(minisign_sig_parse(&sig, real_sig, strlen(real_sig)) == 0);
	CHECK(sig.prehashed);
	CHECK_STREQ(sig.trusted, "timestamp:1 test");
	CHECK(minisign_verify(&pub, &sig, "hello\n", 6) == 0);
	CHECK(minisign_verify(&pub, &sig, "hellO\n", 6) != 0);
	CHECK(minisign_sig_parse(&sig, real_legacy_sig, strlen(real_legacy_sig)) == 0);
	CHECK(!sig.prehashed);
	CHECK(minisign_verify(&pub, &sig, "hello\n", 6) == 0);
	CHECK(minisign_verify(&pub, &sig, "hello", 5) != 0);
	/* Its unencrypted secret key (minisign -G -W) signs for that public key. */
	CHECK(minisign_key_parse(&key, real_key, strlen(real_key)) == 0);
	minisign_pub_of(&key, &mine);
	CHECK(memcmp(&mine, &pub, sizeof(pub)) == 0);
	minisign_sign(&key, "x", 1, "t", &b);
	CHECK(minisign_sig_parse(&sig, b.p, b.n) == 0);
	CHECK(minisign_verify(&pub, &sig, "x", 1) == 0);
	buf_finish(&b);
}

TEST(minisign_roundtrip)
{
	struct minisign_key key, key2;
	struct minisign_pub pub, pub2;
	struct minisign_sig sig;
	struct buf b = BUF_INIT;
	const char msg[] = "the manifest";

	minisign_keygen(&key, &pub);
	minisign_key_format(&key, &b);
	CHECK(minisign_key_parse(&key2, b.p, b.n) == 0);
	CHECK(memcmp(&key, &key2, sizeof(key)) == 0);
	buf_reset(&b);
	minisign_pub_format(&pub, &b);
	CHECK(strncmp(b.p, "untrusted comment: minisign public key ", 39) == 0);
	CHECK(minisign_pub_parse(&pub2, b.p, b.n) == 0);
	CHECK(memcmp(&pub, &pub2, sizeof(pub)) == 0);
	/* The bare base64 line, as minisign -P takes it. */
	CHECK(minisign_pub_parse(&pub2, strchr(b.p, '\n') + 1, strlen(strchr(b.p, '\n') + 1)) == 0);
	buf_reset(&b);
	minisign_sign(&key, msg, strlen(msg), "timestamp:1\tfile:x", &b);
	CHECK(minisign_sig_parse(&sig, b.p, b.n) == 0);
	CHECK(sig.prehashed);
	CHECK_STREQ(sig.trusted, "timestamp:1\tfile:x");
	CHECK(minisign_verify(&pub, &sig, msg, strlen(msg)) == 0);
	CHECK(minisign_verify(&pub, &sig, "the manifesT", 12) != 0);
	CHECK(strstr(log_reason(), "bad signature") != NULL);
	buf_finish(&b);
}

TEST(minisign_trusted_comment_is_signed)
{
	struct minisign_key key;
	struct minisign_pub pub;
	struct minisign_sig sig;
	struct buf b = BUF_INIT;
	char *tc;

	minisign_keygen(&key, &pub);
	minisign_sign(&key, "x", 1, "timestamp:1700000000", &b);
	/* A replay with a newer-looking trusted comment. */
	tc = strstr(b.p, "1700000000");
	tc[0] = '2';
	CHECK(minisign_sig_parse(&sig, b.p, b.n) == 0);
	CHECK(minisign_verify(&pub, &sig, "x", 1) != 0);
	CHECK(strstr(log_reason(), "trusted comment") != NULL);
	buf_finish(&b);
}

TEST(minisign_wrong_key_named)
{
	struct minisign_key k1, k2;
	struct minisign_pub p1, p2;
	struct minisign_sig sig;
	struct buf b = BUF_INIT;
	char id[17];

	minisign_keygen(&k1, &p1);
	minisign_keygen(&k2, &p2);
	minisign_sign(&k1, "x", 1, "c", &b);
	CHECK(minisign_sig_parse(&sig, b.p, b.n) == 0);
	CHECK(minisign_verify(&p2, &sig, "x", 1) != 0);
	minisign_keyid_hex(k1.keyid, id);
	CHECK(strstr(log_reason(), id) != NULL);
	CHECK(strstr(log_reason(), "not with the expected key") != NULL);
	buf_finish(&b);
}

TEST(minisign_refuses_garbage)
{
	struct minisign_pub pub;
	struct minisign_sig sig;
	struct minisign_key key;
	static const char *const bad[] = {
	        "",
	        "untrusted comment: x\n",
	        "untrusted comment: x\nRWRivUVLLAwKPoxbq6K8R8Iqu1lB4zEQ9MUJF8sWZNC6bq7ff5A5kiR\n",
	        "untrusted comment: "
	        "x\nRWRivUVLLAwKPoxbq6K8R8Iqu1lB4zEQ9MUJF8sWZNC6bq7ff5A5kiRs==\n",
	        "untrusted comment: "
	        "x\nRWRivUVLLAwKPoxbq6K8R8Iqu1lB4zEQ9MUJF8sWZNC6bq7ff5A5kiRs\nmore\n",
	        "untrusted comment: x\ntrusted comment: y\n\n\n",
	};
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		CHECK(minisign_pub_parse(&pub, bad[i], strlen(bad[i])) != 0);
		CHECK(minisign_sig_parse(&sig, bad[i], strlen(bad[i])) != 0);
		CHECK(minisign_key_parse(&key, bad[i], strlen(bad[i])) != 0);
	}
}

TEST(minisign_refuses_encrypted_key)
{
	struct minisign_key key, got;
	struct buf b = BUF_INIT;
	uint8_t raw[158];
	size_t n;
	char *line;

	minisign_keygen(&key, NULL);
	minisign_key_format(&key, &b);
	line = strchr(b.p, '\n') + 1;
	CHECK(sodium_base642bin(raw, sizeof(raw), line, strcspn(line, "\n"), NULL, &n, NULL,
	                        sodium_base64_VARIANT_ORIGINAL) == 0);
	raw[2] = 'S';
	raw[3] = 'c'; /* scrypt, as minisign -G without -W writes */
	sodium_bin2base64(line, 213, raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	CHECK(minisign_key_parse(&got, b.p, strlen(b.p)) != 0);
	CHECK(strstr(log_reason(), "encrypted") != NULL);
	buf_finish(&b);
}

/* ---- tar -------------------------------------------------------------- */

static int sink_buf(void *arg, const void *p, size_t n)
{
	buf_put(arg, p, n);
	return 0;
}

TEST(tar_path_safety)
{
	CHECK(tar_path_safe("en/index.html", 13));
	CHECK(tar_path_safe(".well-known/x", 13));
	CHECK(!tar_path_safe("", 0));
	CHECK(!tar_path_safe("/etc/passwd", 11));
	CHECK(!tar_path_safe("../x", 4));
	CHECK(!tar_path_safe("a/../x", 6));
	CHECK(!tar_path_safe("a/..", 4));
	CHECK(!tar_path_safe("a/./x", 5));
	CHECK(!tar_path_safe("a//x", 4));
	CHECK(!tar_path_safe("a/", 2));
	CHECK(!tar_path_safe("a\\..\\x", 6));
	CHECK(!tar_path_safe("a\nb", 3));
	CHECK(tar_path_safe("a/..b/c..", 9));
}

TEST(tar_writes_and_reads_back_long_names)
{
	struct buf out = BUF_INIT;
	struct tar_writer w;
	struct tar_reader r;
	struct tar_entry e;
	struct str s;
	char mid[300], longest[700];
	uint64_t off[3];

	memset(mid, 'm', sizeof(mid));
	memcpy(mid + 150, "/", 1); /* fits ustar's prefix + name */
	mid[260] = '\0';
	memset(longest, 'l', sizeof(longest)); /* one segment longer than 100: pax */
	longest[600] = '\0';
	tar_writer_init(&w, 1700000000, sink_buf, &out);
	CHECK(tar_write_file(&w, "a.html", "hello", 5, &off[0]) == 0);
	CHECK(tar_write_file(&w, mid, "", 0, &off[1]) == 0);
	CHECK(tar_write_file(&w, longest, "x", 1, &off[2]) == 0);
	CHECK(tar_write_end(&w) == 0);
	CHECK(out.n % TAR_BLOCK == 0);
	CHECK(off[0] == TAR_BLOCK);
	CHECK(tar_write_file(&w, "../x", "", 0, NULL) != 0);

	s = (struct str){out.p, out.n};
	tar_reader_init(&r, tar_read_mem, &s, out.n);
	CHECK(tar_next(&r, &e) == 1);
	CHECK_STREQ(e.path, "a.html");
	CHECK(e.size == 5 && e.data_off == off[0]);
	CHECK(memcmp(out.p + e.data_off, "hello", 5) == 0);
	CHECK(tar_next(&r, &e) == 1);
	CHECK_STREQ(e.path, mid);
	CHECK(e.size == 0 && e.data_off == off[1]);
	CHECK(tar_next(&r, &e) == 1);
	CHECK_STREQ(e.path, longest);
	CHECK(e.data_off == off[2]);
	CHECK(tar_next(&r, &e) == 0);
	buf_finish(&out);
}

TEST(tar_refuses_bad_archives)
{
	struct buf out = BUF_INIT;
	struct tar_writer w;
	struct tar_reader r;
	struct tar_entry e;
	struct str s;

	tar_writer_init(&w, 0, sink_buf, &out);
	CHECK(tar_write_file(&w, "a.html", "hello", 5, NULL) == 0);
	CHECK(tar_write_end(&w) == 0);

	/* Truncated inside the data and before the end marker. */
	s = (struct str){out.p, 515};
	tar_reader_init(&r, tar_read_mem, &s, 515);
	CHECK(tar_next(&r, &e) == -1);
	CHECK(strstr(log_reason(), "truncated") != NULL);
	s = (struct str){out.p, 1024};
	tar_reader_init(&r, tar_read_mem, &s, 0);
	CHECK(tar_next(&r, &e) == 1);
	CHECK(tar_next(&r, &e) == -1);
	CHECK(strstr(log_reason(), "truncated") != NULL);

	/* A changed header byte breaks the checksum. */
	out.p[3] = 'X';
	s = (struct str){out.p, out.n};
	tar_reader_init(&r, tar_read_mem, &s, out.n);
	CHECK(tar_next(&r, &e) == -1);
	CHECK(strstr(log_reason(), "checksum") != NULL);
	out.p[3] = 't';

	/* A symbolic link, with a good checksum. */
	{
		unsigned sum = 0;
		size_t i;
		out.p[156] = '2';
		memset(out.p + 148, ' ', 8);
		for (i = 0; i < 512; i++)
			sum += (unsigned char)out.p[i];
		snprintf(out.p + 148, 8, "%06o", sum);
		tar_reader_init(&r, tar_read_mem, &s, out.n);
		CHECK(tar_next(&r, &e) == -1);
		CHECK(strstr(log_reason(), "not a regular file") != NULL);
	}
	buf_finish(&out);
}

/* ---- manifests -------------------------------------------------------- */

struct kept {
	struct buf parts[64];
	size_t n;
};

static int keep(void *arg, const uint8_t *sha, const char *text, size_t n)
{
	struct kept *k = arg;

	(void)sha;
	buf_init(&k->parts[k->n]);
	buf_put(&k->parts[k->n++], text, n);
	return 0;
}

/* A manifest of nfiles files named f00000... with their offsets 1024 apart. */
static void make_manifest(size_t nfiles, struct buf *top, struct kept *k)
{
	struct manifest_builder b;
	uint8_t sha[MANIFEST_HASH_LEN];
	size_t i;

	memset(k, 0, sizeof(*k));
	manifest_builder_init(&b, keep, k);
	for (i = 0; i < nfiles; i++) {
		char path[32];
		snprintf(path, sizeof(path), "d/f%05zu.html", i);
		manifest_sha256(path, strlen(path), sha);
		CHECK(manifest_builder_add(&b, path, 10, 1024 * i, 1024 * i + 512, sha) == 0);
	}
	CHECK(manifest_builder_end(&b, 1700000000, "https://example.org/", top) == 0);
	manifest_builder_finish(&b);
}

static void free_kept(struct kept *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		buf_finish(&k->parts[i]);
}

TEST(manifest_roundtrip)
{
	struct buf top = BUF_INIT;
	struct kept k;
	struct manifest m;
	const struct manifest_file *f;
	size_t i;

	make_manifest(3000, &top, &k);
	CHECK(k.n > 2); /* cut into parts */
	CHECK(manifest_parse(&m, top.p, top.n) == 0);
	CHECK(m.time == 1700000000 && m.nfiles == 3000 && m.nparts == k.n);
	CHECK_STREQ(m.site, "https://example.org/");
	for (i = 0; i < k.n; i++)
		CHECK(manifest_add_part(&m, k.parts[i].p, k.parts[i].n) == 0);
	CHECK(manifest_complete(&m) == 0);
	f = manifest_find(&m, "d/f01234.html");
	CHECK(f != NULL && f->off == 1024 * 1234 + 512 && f->size == 10);
	CHECK(manifest_find(&m, "d/nothing") == NULL);
	manifest_finish(&m);
	free_kept(&k);
	buf_finish(&top);
}

TEST(manifest_parts_stay_put_when_a_file_is_added)
{
	struct manifest_builder b;
	struct kept k1, k2;
	struct buf t1 = BUF_INIT, t2 = BUF_INIT;
	uint8_t sha[MANIFEST_HASH_LEN];
	size_t i, j, same = 0;
	int round;

	for (round = 0; round < 2; round++) {
		struct kept *k = round ? &k2 : &k1;
		uint64_t off = 0;
		memset(k, 0, sizeof(*k));
		manifest_builder_init(&b, keep, k);
		for (i = 0; i < 4000; i++) {
			char path[32];
			snprintf(path, sizeof(path), "f%05zu%s", i, round && i == 2000 ? "b" : "");
			manifest_sha256(path, strlen(path), sha);
			CHECK(manifest_builder_add(&b, path, 10, off, off + 512, sha) == 0);
			off += 1024;
		}
		CHECK(manifest_builder_end(&b, 1, "u", round ? &t2 : &t1) == 0);
		manifest_builder_finish(&b);
	}
	/* One renamed file: every part but one (or two, at a cut) is unchanged. */
	for (i = 0; i < k2.n; i++)
		for (j = 0; j < k1.n; j++)
			if (k2.parts[i].n == k1.parts[j].n &&
			    memcmp(k2.parts[i].p, k1.parts[j].p, k1.parts[j].n) == 0) {
				same++;
				break;
			}
	CHECK(k1.n >= 8);
	CHECK(same + 2 >= k2.n);
	free_kept(&k1);
	free_kept(&k2);
	buf_finish(&t1);
	buf_finish(&t2);
}

static int add_text(struct manifest *m, const char *part)
{
	return manifest_add_part(m, part, strlen(part));
}

/* A one-part manifest around part's text, parsed into m.  0 or -1. */
static int one_part(struct manifest *m, const char *part, size_t nfiles)
{
	struct buf top = BUF_INIT;
	uint8_t sha[MANIFEST_HASH_LEN];
	char hex[65];
	int rc;

	manifest_sha256(part, strlen(part), sha);
	manifest_hex(sha, hex);
	buf_printf(&top, "tamizdat-manifest 1\ntime 5\nsite s\nfiles %zu 20\npart %s %zu 0\nend\n",
	           nfiles, hex, nfiles);
	rc = manifest_parse(m, top.p, top.n);
	buf_finish(&top);
	if (rc == 0)
		rc = add_text(m, part);
	return rc;
}

#define H64 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

TEST(manifest_refuses_bad_parts)
{
	struct manifest m;
	static const struct {
		const char *part;
		size_t n;
		const char *why;
	} bad[] = {
	        {H64 " 0 512 ../evil.html\n", 1, "unsafe path"},
	        {H64 " 0 512 /etc/passwd\n", 1, "unsafe path"},
	        {H64 " 0 512 a/./b\n", 1, "unsafe path"},
	        {H64 " 0 512 b\n" H64 " 0 1024 a\n", 2, "out of order"},
	        {H64 " 0 512 a\n" H64 " 0 1024 a\n", 2, "out of order"},
	        {H64 " 10 512 a\n" H64 " 0 600 b\n", 2, "overlaps"},
	        {H64 " 0 512 mirror/manifest\n", 1, "manifest's own"},
	        {H64 " 01 512 a\n", 1, "expected"},
	        {"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 0 512 a\n", 1,
	         "expected"},
	        {H64 " 0 512 a\n", 2, "holds 1 files, not 2"},
	        {H64 " 0 512 a", 1, "unterminated"},
	};
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		int rc = one_part(&m, bad[i].part, bad[i].n);
		if (rc == 0 || strstr(log_reason(), bad[i].why) == NULL)
			fprintf(stderr, "case %zu: %s\n", i, log_reason());
		CHECK(rc != 0);
		CHECK(strstr(log_reason(), bad[i].why) != NULL);
		manifest_finish(&m);
	}
	/* And a good one, to show the harness itself accepts. */
	CHECK(one_part(&m, H64 " 0 512 a\n" H64 " 0 1024 b\n", 2) == 0);
	manifest_finish(&m);
}

TEST(manifest_refuses_bad_top)
{
	struct manifest m;
	static const char *const bad[] = {
	        "",
	        "tamizdat-manifest 2\n",
	        "tamizdat-manifest 1\ntime 5\nsite s\nfiles 0 0\n",
	        "tamizdat-manifest 1\ntime -5\nsite s\nfiles 0 0\nend\n",
	        "tamizdat-manifest 1\ntime 5\nsite s\nfiles 1 0\nend\n",
	        "tamizdat-manifest 1\ntime 5\nsite s\nfiles 0 0\nend\nextra\n",
	        "tamizdat-manifest 1\ntime 5\nsite s\nfiles 0 0\npart zz 1 0\nend\n",
	        "tamizdat-manifest 1\ntime 99999999999999999999999\nsite s\nfiles 0 0\nend\n",
	};
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		CHECK(manifest_parse(&m, bad[i], strlen(bad[i])) != 0);
		manifest_finish(&m);
	}
	{
		const char *good = "tamizdat-manifest 1\ntime 5\nsite s\nfiles 0 0\nend\n";
		CHECK(manifest_parse(&m, good, strlen(good)) == 0);
	}
	manifest_finish(&m);
}

/* ---- pack, verify, pull on a small folder ------------------------------ */

static void put(const char *dir, const char *name, const char *text)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(fs_write_atomic(path, text, strlen(text), 0) != FS_WRITE_ERROR);
}

TEST(pack_verify_pull_small_site)
{
	char dir[] = "/tmp/tz-mirror-test-XXXXXX", pub[4200], bundle[4200], mir[4200], f[4300];
	char mir2[4200];
	struct minisign_key key;
	struct minisign_pub pk;
	struct mirror_pack_opts po = {0};
	struct mirror_pack_stats ps;
	struct mirror_verify_stats vs;
	struct mirror_pull_opts pl = {0};
	struct mirror_pull_stats st;
	struct buf b = BUF_INIT, sig = BUF_INIT;
	struct minisign_sig ms;
	int64_t t_cur;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(pub, sizeof(pub), "%s/public", dir);
	put(pub, "index.html", "<p>home</p>");
	put(pub, "en/a/index.html", "<p>a</p>");
	put(pub, "en/b/index.html", "<p>b</p>");
	put(pub, "style.css", "p{}");
	put(pub, "mirrors.json", "{\"mirrors\": []}\n");
	minisign_keygen(&key, &pk);
	po.public_dir = pub;
	po.site_url = "https://example.org/";
	po.key = &key;
	po.time = 1000;
	CHECK(mirror_pack(&po, &ps) == 0);
	CHECK(ps.files == 5 && ps.time == 1000);
	snprintf(bundle, sizeof(bundle), "%s/mirror/site.tar", pub);
	CHECK(mirror_verify(bundle, &pk, &vs) == 0);
	CHECK(vs.files == 5 && vs.time == 1000);

	snprintf(mir, sizeof(mir), "%s/m", dir);
	pl.source = bundle;
	pl.dir = mir;
	CHECK(mirror_pull(&pl, &st) != 0); /* no key yet */
	CHECK(strstr(log_reason(), "--pubkey") != NULL);
	pl.pub = &pk;
	CHECK(mirror_pull(&pl, &st) == 0);
	CHECK(st.fetched == 5 && st.kept == 0);
	snprintf(f, sizeof(f), "%s/en/a/index.html", mir);
	CHECK(fs_read_file(f, &b, 100) == 0);
	CHECK_STREQ(b.p, "<p>a</p>");
	/* The mirror carries the key and mirrors.json's signature, which verifies. */
	snprintf(f, sizeof(f), "%s/mirror/minisign.pub", mir);
	CHECK(fs_exists(f));
	snprintf(f, sizeof(f), "%s/mirror/mirrors.json.minisig", mir);
	CHECK(fs_read_file(f, &sig, 4096) == 0);
	CHECK(minisign_sig_parse(&ms, sig.p, sig.n) == 0);
	buf_reset(&b);
	snprintf(f, sizeof(f), "%s/mirrors.json", mir);
	CHECK(fs_read_file(f, &b, 100) == 0);
	CHECK(minisign_verify(&pk, &ms, b.p, b.n) == 0);

	/* Change one file, remove one: the next pack is newer, the pull minimal. */
	put(pub, "en/a/index.html", "<p>a, edited</p>");
	snprintf(f, sizeof(f), "%s/en/b/index.html", pub);
	CHECK(unlink(f) == 0);
	po.time = 0; /* now: later than 1000 */
	CHECK(mirror_pack(&po, &ps) == 0);
	CHECK(ps.time > 1000);
	pl.pub = NULL; /* the pinned key */
	CHECK(mirror_pull(&pl, &st) == 0);
	CHECK(st.fetched == 1 && st.kept == 3 && st.removed == 1);
	buf_reset(&b);
	snprintf(f, sizeof(f), "%s/en/a/index.html", mir);
	CHECK(fs_read_file(f, &b, 100) == 0);
	CHECK_STREQ(b.p, "<p>a, edited</p>");
	snprintf(f, sizeof(f), "%s/en/b/index.html", mir);
	CHECK(!fs_exists(f));
	t_cur = st.time;

	/*
	 * A published mirrors.json.minisig that does not verify is left out of
	 * the mirror (with a warning); the rest of the site still comes.
	 */
	buf_reset(&sig);
	minisign_sign(&key, "other", 5, "file:mirrors.json", &sig);
	snprintf(f, sizeof(f), "%s/mirror/mirrors.json.minisig", pub);
	CHECK(fs_write_atomic(f, sig.p, sig.n, 0) != FS_WRITE_ERROR);
	CHECK(unlink(bundle) == 0); /* pull from the folder, file by file */
	snprintf(mir2, sizeof(mir2), "%s/m2", dir);
	pl.source = pub;
	pl.dir = mir2;
	pl.pub = &pk;
	CHECK(mirror_pull(&pl, &st) == 0);
	CHECK(st.fetched == 4);
	snprintf(f, sizeof(f), "%s/mirrors.json", mir2);
	CHECK(fs_exists(f));
	snprintf(f, sizeof(f), "%s/mirror/minisign.pub", mir2);
	CHECK(fs_exists(f));
	snprintf(f, sizeof(f), "%s/mirror/mirrors.json.minisig", mir2);
	CHECK(!fs_exists(f));
	pl.source = bundle;
	pl.dir = mir;
	pl.pub = NULL;

	/* A pack asked for an older time is still moved past the published one. */
	po.time = 5;
	CHECK(mirror_pack(&po, &ps) == 0);
	CHECK(ps.time > 1000);
	po.exact_time = true;
	CHECK(mirror_pack(&po, &ps) == 0);
	CHECK(mirror_pull(&pl, &st) != 0);
	CHECK(strstr(log_reason(), "downgrade") != NULL);

	/* The mirror's own signed time, other contents: refused, not mixed in. */
	put(pub, "style.css", "p{color:red}");
	po.time = t_cur;
	CHECK(mirror_pack(&po, &ps) == 0);
	CHECK(ps.time == t_cur);
	CHECK(mirror_pull(&pl, &st) != 0);
	CHECK(strstr(log_reason(), "same signed time") != NULL);
	buf_reset(&b);
	snprintf(f, sizeof(f), "%s/style.css", mir);
	CHECK(fs_read_file(f, &b, 100) == 0);
	CHECK_STREQ(b.p, "p{}");

	buf_finish(&b);
	buf_finish(&sig);
	snprintf(f, sizeof(f), "%s.mirror", mir);
	fs_remove_tree(f);
	unlink(mir);
	snprintf(f, sizeof(f), "%s.mirror", mir2);
	fs_remove_tree(f);
	unlink(mir2);
	fs_remove_tree(dir);
}

TESTS(T(minisign_roundtrip), T(minisign_trusted_comment_is_signed), T(minisign_wrong_key_named),
      T(minisign_reads_the_real_tool), T(minisign_refuses_garbage),
      T(minisign_refuses_encrypted_key), T(tar_path_safety),
      T(tar_writes_and_reads_back_long_names), T(tar_refuses_bad_archives), T(manifest_roundtrip),
      T(manifest_parts_stay_put_when_a_file_is_added), T(manifest_refuses_bad_parts),
      T(manifest_refuses_bad_top), T(pack_verify_pull_small_site))
