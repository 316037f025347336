#!/usr/bin/python3
"""Checks the messages smtp_server.py stored, with Python's email parser.

usage:
  mailcheck.py count MAILDIR RCPT [digest|confirm|notice]
  mailcheck.py digest MAILDIR RCPT BASE_URL [--want TITLE]... [--not TITLE]...
                      [--name NAME] [--langs "en, fr"] [--subject-has TEXT]
  mailcheck.py note MAILDIR RCPT confirm|notice [--subject-has TEXT]
  mailcheck.py link MAILDIR RCPT confirm|prefs|unsubscribe
  mailcheck.py dups MAILDIR     (prints "RCPT COUNT" for each recipient)

Each check prints "ok" and exits 0, or prints what is wrong and exits 1.
The newest message of the kind to RCPT is the one checked.
"""
import email
import email.policy
import email.utils
import glob
import os
import re
import sys
from collections import Counter


def fail(msg):
    print("mailcheck: " + msg)
    sys.exit(1)


def messages(maildir):
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path, "rb") as f:
            raw = f.read()
        first, rest = raw.split(b"\r\n", 1)
        rcpt = first.decode().split(": ", 1)[1]
        msg = email.message_from_bytes(rest, policy=email.policy.default)
        yield path, rcpt, rest, msg


def kind(msg):
    if msg["List-Id"]:
        return "digest"
    if msg["Auto-Submitted"]:
        body = msg.get_body(("plain",)).get_content()
        return "confirm" if "newsletter/confirm?t=" in body else "notice"
    return "other"


def find(maildir, rcpt, k):
    found = None
    for path, to, raw, msg in messages(maildir):
        if to == rcpt and (k in (None, "any") or kind(msg) == k):
            found = (path, raw, msg)
    if found is None:
        fail("no %s message to %s" % (k or "", rcpt))
    return found


def check_common(raw, msg, rcpt):
    head = raw.split(b"\r\n\r\n", 1)[0]
    if any(b > 127 for b in head):
        fail("raw non-ASCII in the header")
    for line in raw.split(b"\r\n"):
        if b"\n" in line or b"\r" in line:
            fail("a bare CR or LF in the message")
        if len(line) > 998:
            fail("a line longer than 998 characters")
    if msg.defects:
        fail("defects: %r" % msg.defects)
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        if msg[name] is None:
            fail("no %s header" % name)
    if len(msg.get_all("To")) != 1 or msg.get_all("Bcc") or msg.get_all("Cc"):
        fail("unexpected recipients in the header")
    if msg["From"].addresses[0].addr_spec != "news@example.org":
        fail("From is %s" % msg["From"])
    to = msg["To"].addresses[0].addr_spec
    if to != rcpt:
        fail("To is %s, not %s" % (to, rcpt))
    if not re.fullmatch(r"<tz\.[0-9a-f]{24}@example\.org>", str(msg["Message-ID"]).strip()):
        fail("Message-ID is %s" % msg["Message-ID"])
    if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
        fail("bad Date")
    if msg.get_content_type() != "multipart/alternative":
        fail("content type is %s" % msg.get_content_type())
    parts = list(msg.iter_parts())
    if [p.get_content_type() for p in parts] != ["text/plain", "text/html"]:
        fail("parts are %r" % [p.get_content_type() for p in parts])
    for p in parts:
        if p.get_content_charset() != "utf-8":
            fail("charset %s" % p.get_content_charset())
        if p["Content-Transfer-Encoding"] not in ("7bit", "quoted-printable", "base64"):
            fail("encoding %s" % p["Content-Transfer-Encoding"])
    return parts[0].get_content(), parts[1].get_content()


def cmd_count(args):
    maildir, rcpt = args[0], args[1]
    k = args[2] if len(args) > 2 else None
    n = sum(1 for _, to, _, msg in messages(maildir)
            if to == rcpt and (k is None or kind(msg) == k))
    print(n)


def opts(args, names):
    out = {n: [] for n in names}
    i = 0
    while i < len(args):
        if args[i] in names:
            out[args[i]].append(args[i + 1])
            i += 2
        else:
            fail("unknown option " + args[i])
    return out


def cmd_digest(args):
    maildir, rcpt, base = args[0], args[1], args[2]
    o = opts(args[3:], ["--want", "--not", "--name", "--langs", "--subject-has"])
    path, raw, msg = find(maildir, rcpt, "digest")
    text, html = check_common(raw, msg, rcpt)
    for t in o["--want"]:
        if t not in text or t.replace("&", "&amp;") not in html:
            fail("%s: %r is not in both parts" % (path, t))
    for t in o["--not"]:
        if t in text or t in html:
            fail("%s: %r should not be there" % (path, t))
    for n in o["--name"]:
        if msg["To"].addresses[0].display_name != n:
            fail("To name is %r" % msg["To"].addresses[0].display_name)
        if "=?utf-8?" not in raw.decode("ascii").lower():
            fail("no RFC 2047 encoded word")
    for s in o["--subject-has"]:
        if s not in str(msg["Subject"]):
            fail("subject %r lacks %r" % (str(msg["Subject"]), s))
    for l in o["--langs"]:
        if str(msg["Content-Language"]) != l:
            fail("Content-Language is %s" % msg["Content-Language"])
    lid = str(msg["List-Id"])
    if not re.search(r"<weekly\.[a-z0-9.-]+>$", lid) and not re.search(r"<urgent\.[a-z0-9.-]+>$", lid):
        fail("List-Id is %r" % lid)
    lu = str(msg["List-Unsubscribe"])
    m = re.fullmatch(r"<(https://[^>]+)>,\s*<(mailto:[^>]+)>", lu)
    if not m:
        fail("List-Unsubscribe is %r" % lu)
    if not m.group(1).startswith(base + "newsletter/unsubscribe?t="):
        fail("unsubscribe URL %s" % m.group(1))
    if str(msg["List-Unsubscribe-Post"]) != "List-Unsubscribe=One-Click":
        fail("List-Unsubscribe-Post is %r" % msg["List-Unsubscribe-Post"])
    if "<img" in html.lower():
        fail("an image (tracking pixel?) in the HTML")
    # The site's own links, and its mirrors (MAILCHECK_MIRRORS, space-separated).
    own = [base] + os.environ.get("MAILCHECK_MIRRORS", "").split()
    for href in re.findall(r'href="([^"]*)"', html):
        if not any(href.startswith(o) for o in own):
            fail("a link that is not the site's own: %s" % href)
    if m.group(1).replace("&", "&amp;") not in html or m.group(1) not in text:
        fail("the unsubscribe link is not in both parts")
    if base + "newsletter/prefs?t=" not in text:
        fail("no preferences link in the text part")
    print("ok")


def cmd_note(args):
    maildir, rcpt, k = args[0], args[1], args[2]
    o = opts(args[3:], ["--subject-has"])
    path, raw, msg = find(maildir, rcpt, k)
    text, html = check_common(raw, msg, rcpt)
    if msg["List-Unsubscribe"] is not None:
        fail("a confirmation is not list mail")
    for s in o["--subject-has"]:
        if s not in str(msg["Subject"]):
            fail("subject %r lacks %r" % (str(msg["Subject"]), s))
    print("ok")


def cmd_link(args):
    maildir, rcpt, what = args[0], args[1], args[2]
    if what == "unsubscribe":
        path, raw, msg = find(maildir, rcpt, "digest")
        print(re.search(r"<(https://[^>]+)>", str(msg["List-Unsubscribe"])).group(1))
        return
    k = {"confirm": "confirm", "prefs": None}[what]
    path, raw, msg = find(maildir, rcpt, k)
    text = msg.get_body(("plain",)).get_content()
    m = re.search(r"(\S+/newsletter/%s\?t=\S+)" % what, text)
    if not m:
        fail("no %s link in %s" % (what, path))
    print(m.group(1))


def cmd_dups(args):
    c = Counter(to for _, to, _, _ in messages(args[0]))
    for rcpt, n in sorted(c.items()):
        print(rcpt, n)


def main():
    cmds = {"count": cmd_count, "digest": cmd_digest, "note": cmd_note, "link": cmd_link,
            "dups": cmd_dups}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        fail(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
