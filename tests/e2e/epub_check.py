"""Checks an EPUB 3 file against the OCF and OPF rules that matter to
readers, without epubcheck: the mimetype entry first, stored and exact;
META-INF/container.xml naming the package; a 3.0 package whose unique
identifier, title, language and dcterms:modified are there; every manifest
item present and every file listed; the spine naming manifest items; a
navigation document with an epub:type="toc" nav; every XHTML document
well-formed XML in the XHTML namespace; nothing loaded from elsewhere.

usage: epub_check.py BOOK.epub [EXPECTED_ARTICLES]
"""
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB = "{http://www.idpf.org/2007/ops}"
problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)
    return cond


def main():
    path = sys.argv[1]
    raw = open(path, "rb").read()
    need(raw[:4] == b"PK\x03\x04", "not a ZIP file")
    need(raw[30:38] == b"mimetype", "mimetype is not the first entry")
    need(raw[38:58] == b"application/epub+zip", "mimetype entry not stored uncompressed or wrong")
    need(raw[28:30] == b"\0\0", "mimetype entry has an extra field")
    z = zipfile.ZipFile(path)
    need(z.testzip() is None, "a ZIP entry is corrupt")
    names = z.namelist()
    need(z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED, "mimetype compressed")
    c = ET.fromstring(z.read("META-INF/container.xml"))
    rf = c.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    opf_path = rf.get("full-path")
    need(rf.get("media-type") == "application/oebps-package+xml", "rootfile media type")
    opf = ET.fromstring(z.read(opf_path))
    base = opf_path.rsplit("/", 1)[0] + "/"
    need(opf.get("version") == "3.0", "package version is not 3.0")
    uid = opf.get("unique-identifier")
    md = opf.find(OPF + "metadata")
    ident = [e for e in md.findall(DC + "identifier") if e.get("id") == uid]
    need(ident and ident[0].text, "no dc:identifier matching unique-identifier")
    need(md.find(DC + "title") is not None and md.find(DC + "title").text, "no dc:title")
    need(md.find(DC + "language") is not None, "no dc:language")
    mod = [m for m in md.findall(OPF + "meta") if m.get("property") == "dcterms:modified"]
    need(len(mod) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mod[0].text or ""),
         "dcterms:modified missing or not CCYY-MM-DDThh:mm:ssZ")
    items = {i.get("id"): i for i in opf.find(OPF + "manifest")}
    listed = {base + i.get("href") for i in items.values()}
    for n in names:
        if n not in ("mimetype", "META-INF/container.xml", opf_path):
            need(n in listed, f"{n} is not in the manifest")
    for h in listed:
        need(h in names, f"manifest item {h} missing from the ZIP")
    navs = [i for i in items.values() if "nav" in (i.get("properties") or "").split()]
    need(len(navs) == 1, "not exactly one navigation document")
    spine = [r.get("idref") for r in opf.find(OPF + "spine")]
    for idref in spine:
        need(idref in items, f"spine names unknown item {idref}")
    chapters = 0
    for i in items.values():
        if i.get("media-type") != "application/xhtml+xml":
            continue
        text = z.read(base + i.get("href"))
        try:
            doc = ET.fromstring(text)
        except ET.ParseError as e:
            problems.append(f"{i.get('href')}: not well-formed XML: {e}")
            continue
        need(doc.tag == XHTML + "html", f"{i.get('href')}: root is not XHTML html")
        need(re.search(rb'<(img|link|script|iframe|audio|video|source|object|embed)\b[^>]*'
                       rb'(src|href|data)="(https?:)?//', text) is None,
             f"{i.get('href')}: loads something from elsewhere")
        if i in navs:
            toc = [n for n in doc.iter(XHTML + "nav") if n.get(EPUB + "type") == "toc"]
            need(toc and toc[0].find(XHTML + "ol") is not None, "nav has no epub:type=toc list")
            entries = len(toc[0].findall(f"{XHTML}ol/{XHTML}li")) if toc else 0
        else:
            chapters += 1
            need(doc.find(f".//{XHTML}h1") is not None, f"{i.get('href')}: no title")
    need(entries == chapters, f"contents list {entries} entries for {chapters} chapters")
    if len(sys.argv) > 2:
        need(chapters == int(sys.argv[2]), f"{chapters} articles, expected {sys.argv[2]}")
    for p in problems:
        print(p)
    print(f"{path}: {chapters} articles, {len(problems)} problems")
    sys.exit(1 if problems else 0)


main()
