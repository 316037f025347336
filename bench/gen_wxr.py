#!/usr/bin/python3
"""Writes a WordPress export (WXR 1.2) of COUNT posts for bench/wxr.sh,
deterministic (fixed seed), shaped like a real news blog: 6 authors, a
two-level category tree of 40, 300 tags, posts of 3-12 paragraphs (about
4 KB) written as WordPress stores them -- classic content for wpautop with
[caption], links to other posts by permalink and ?p=ID, lists, <!--more-->,
and a quarter in block-editor markup -- plus a page every 50 posts, an
attachment and a comment per 10, and a few drafts and private posts.
With --bodies FILE, also writes every post body there, separated by form
feeds, for the sanitizer's benchmark.

usage: gen_wxr.py COUNT OUT.xml [--bodies FILE]
"""
import random
import sys

WORDS = ("press freedom journalist archive district paper winter regional "
         "editor correspondent report court hearing protest union workers "
         "strike election council budget school hospital river bridge "
         "village market harvest factory museum library festival theatre "
         "minister mayor witness document letter interview the of and in "
         "to a for on with by from that was were had their after before").split()


def sentence(r):
    w = [r.choice(WORDS) for _ in range(r.randint(6, 18))]
    w[0] = w[0].capitalize()
    if r.random() < 0.2:
        i = r.randrange(len(w))
        w[i] = "<em>%s</em>" % w[i]
    if r.random() < 0.15:
        i = r.randrange(len(w))
        w[i] = "<strong>%s</strong>" % w[i]
    return " ".join(w) + "."


def para(r, n, pid):
    s = " ".join(sentence(r) for _ in range(r.randint(2, 6)))
    if r.random() < 0.3 and pid > 1:
        o = r.randint(1, pid - 1)
        if r.random() < 0.5:
            link = "https://news.example/?p=%d" % (o * 2)
        else:
            link = "https://news.example/%04d/%02d/post-%d/" % (2010 + o % 14, 1 + o % 12, o)
        s += ' See <a href="%s">the earlier report</a>.' % link
    if r.random() < 0.1:
        s += ' <a href="https://elsewhere.example/x?a=1&amp;b=2" onclick="x()">source</a>'
    return s


def classic(r, pid):
    out = []
    for i in range(r.randint(3, 12)):
        k = r.random()
        if k < 0.08:
            out.append('[caption id="attachment_%d" align="aligncenter" width="640"]'
                       '<img class="size-large wp-image-%d" src="https://news.example/'
                       'wp-content/uploads/2019/05/photo-%d.jpg" alt="Photo" width="640" '
                       'height="427" /> A caption for the photo[/caption]' % (pid, pid, pid))
        elif k < 0.14:
            out.append("<ul>\n" + "\n".join("<li>%s</li>" % sentence(r)
                                             for _ in range(r.randint(2, 5))) + "\n</ul>")
        elif k < 0.18:
            out.append("<blockquote>%s</blockquote>" % sentence(r))
        elif k < 0.21:
            out.append("<h2>%s</h2>" % sentence(r)[:-1])
        else:
            out.append(para(r, i, pid))
        if i == 1:
            out.append("<!--more-->")
    return "\n\n".join(out)


def blocks(r, pid):
    out = []
    for _ in range(r.randint(3, 12)):
        if r.random() < 0.1:
            out.append('<!-- wp:heading -->\n<h2 class="wp-block-heading">%s</h2>\n'
                       '<!-- /wp:heading -->' % sentence(r)[:-1])
        else:
            out.append("<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->"
                       % para(r, 0, pid))
    return "\n\n".join(out)


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main():
    count = int(sys.argv[1])
    path = sys.argv[2]
    bodies = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--bodies" else None
    r = random.Random(20000)
    bf = open(bodies, "w", encoding="utf-8") if bodies else None
    f = open(path, "w", encoding="utf-8")
    w = f.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n'
      '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
      '<title>News Example</title>\n<link>https://news.example</link>\n'
      '<language>en-US</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n'
      '<wp:base_site_url>https://news.example</wp:base_site_url>\n'
      '<wp:base_blog_url>https://news.example</wp:base_blog_url>\n')
    for a in range(6):
        w("<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login>"
          "<wp:author_email>a%d@news.example</wp:author_email><wp:author_display_name>%s"
          "</wp:author_display_name></wp:author>\n"
          % (a + 1, cdata("author%d" % a), a, cdata("Author Number %d" % a)))
    cats = []
    for c in range(40):
        parent = "" if c < 8 else "cat-%d" % (c % 8)
        cats.append("cat-%d" % c)
        w("<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s"
          "</wp:category_nicename><wp:category_parent>%s</wp:category_parent>"
          "<wp:cat_name>%s</wp:cat_name></wp:category>\n"
          % (c + 10, cats[-1], parent, cdata("Category %d" % c)))
    for t in range(300):
        w("<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>tag-%d</wp:tag_slug>"
          "<wp:tag_name>%s</wp:tag_name></wp:tag>\n" % (t + 100, t, cdata("Tag %d" % t)))
    for i in range(1, count + 1):
        pid = i * 2
        year, month = 2010 + i % 14, 1 + i % 12
        date = "%04d-%02d-%02d %02d:%02d:00" % (year, month, 1 + i % 28, i % 24, i % 60)
        page = i % 50 == 0
        slug = ("page-%d" if page else "post-%d") % i
        body = blocks(r, i) if i % 4 == 0 else classic(r, i)
        if bf:
            bf.write(body + "\f")
        status = "publish"
        if i % 97 == 0:
            status = "draft"
        elif i % 193 == 0:
            status = "private"
        link = ("https://news.example/%s/" % slug if page else
                "https://news.example/%04d/%02d/%s/" % (year, month, slug))
        terms = ""
        if not page:
            for c in r.sample(cats, r.randint(1, 2)):
                terms += '<category domain="category" nicename="%s">%s</category>\n' % (
                    c, cdata("Category " + c[4:]))
            for t in r.sample(range(300), r.randint(0, 5)):
                terms += '<category domain="post_tag" nicename="tag-%d">%s</category>\n' % (
                    t, cdata("Tag %d" % t))
        comment = ""
        if i % 10 == 0:
            comment = ("<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>"
                       "Reader</wp:comment_author><wp:comment_content>%s</wp:comment_content>"
                       "</wp:comment>\n" % (i, cdata(sentence(r))))
        w("<item>\n<title>%s</title>\n<link>%s</link>\n<pubDate>Mon, 01 Jan 2018 00:00:00 "
          "+0000</pubDate>\n<dc:creator>%s</dc:creator>\n<guid isPermaLink=\"false\">"
          "https://news.example/?p=%d</guid>\n<description></description>\n"
          "<content:encoded>%s</content:encoded>\n<excerpt:encoded>%s</excerpt:encoded>\n"
          "<wp:post_id>%d</wp:post_id>\n<wp:post_date>%s</wp:post_date>\n"
          "<wp:post_date_gmt>%s</wp:post_date_gmt>\n<wp:comment_status>open"
          "</wp:comment_status>\n<wp:post_name>%s</wp:post_name>\n<wp:status>%s</wp:status>\n"
          "<wp:post_parent>0</wp:post_parent>\n<wp:menu_order>0</wp:menu_order>\n"
          "<wp:post_type>%s</wp:post_type>\n<wp:post_password></wp:post_password>\n"
          "<wp:is_sticky>0</wp:is_sticky>\n%s<wp:postmeta><wp:meta_key>_edit_last"
          "</wp:meta_key><wp:meta_value>%s</wp:meta_value></wp:postmeta>\n%s</item>\n"
          % (cdata(sentence(r)[:-1]), link, cdata("author%d" % (i % 6)), pid, cdata(body),
             cdata(sentence(r) if i % 3 == 0 else ""), pid, date, date, slug, status,
             "page" if page else "post", terms, cdata("1"), comment))
        if i % 10 == 0:
            w("<item><title>photo-%d</title><wp:post_id>%d</wp:post_id>"
              "<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
              "<wp:attachment_url>https://news.example/wp-content/uploads/photo-%d.jpg"
              "</wp:attachment_url></item>\n" % (i, pid + 1, i))
    w("</channel>\n</rss>\n")
    f.close()
    if bf:
        bf.close()


if __name__ == "__main__":
    main()
