"""Makes damaged copies of a tamizdat bundle for the mirror tests, at the
byte level (never through tarfile's writer, so that every other byte and
offset stays what tamizdat wrote).

usage: bundle_tool.py KIND IN OUT [ARG]
  truncate   IN OUT          the first half of the bundle
  drop       IN OUT PATH     the bundle without the member PATH
  rename     IN OUT NEWNAME  the first member renamed (checksum fixed)
  flip       IN OUT PATH     one byte of PATH's data changed
  list       IN              prints each member's offset and name
"""
import sys
import tarfile


def members(path):
    with tarfile.open(path, "r:") as t:
        return [(m.name, m.offset, m.offset_data, m.size) for m in t.getmembers()]


def pad(n):
    return (n + 511) // 512 * 512


def main():
    kind, src = sys.argv[1], sys.argv[2]
    data = bytearray(open(src, "rb").read())
    if kind == "list":
        for name, off, doff, size in members(src):
            print(off, doff, size, name)
        return
    out = sys.argv[3]
    if kind == "truncate":
        data = data[: len(data) // 2]
    elif kind == "drop":
        for name, off, doff, size in members(src):
            if name == sys.argv[4]:
                del data[off:doff + pad(size)]
                break
        else:
            sys.exit("no member " + sys.argv[4])
    elif kind == "rename":
        new = sys.argv[4].encode()
        h = data[0:512]
        h[0:100] = new + b"\0" * (100 - len(new))
        h[345:500] = b"\0" * 155
        h[148:156] = b" " * 8
        h[148:156] = b"%06o\0 " % sum(h)
        data[0:512] = h
    elif kind == "flip":
        for name, off, doff, size in members(src):
            if name == sys.argv[4]:
                data[doff + size // 2] ^= 0x20
                break
        else:
            sys.exit("no member " + sys.argv[4])
    open(out, "wb").write(bytes(data))


main()
