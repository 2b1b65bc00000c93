"""What the Universal Feed Parser sees in a feed, as JSON on stdout.

Usage: /usr/bin/python3 test/read_feed.py FILE

RSS and Atom files are read by feedparser itself. feedparser 6 does not read
JSON Feed, so for a .json file this prints the same shape from the JSON, with
the HTML content passed through feedparser's sanitizer: that is the text a
feedparser-based reader would display.
"""

import datetime
import html.parser
import json
import sys
import time

import feedparser
import feedparser.sanitizer


class _TextOf(html.parser.HTMLParser):
    """The visible text of an HTML fragment (entities decoded, tags dropped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(fragment):
    parser = _TextOf()
    parser.feed(fragment or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def shown_text(detail):
    """A text construct as a reader shows it: HTML rendered to its text, plain text as is."""
    if not detail:
        return None
    value = detail.get("value")
    return text_of(value) if detail.get("type") in ("text/html", "application/xhtml+xml") else value


def iso(parsed):
    """feedparser's UTC struct_time to RFC 3339, or None."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed) if parsed else None


def person(detail):
    return {k: detail.get(k) for k in ("name", "email", "href") if detail.get(k) is not None}


def read_xml(path):
    d = feedparser.parse(path)
    entries = []
    for e in d.entries:
        content = [{"type": c.get("type"), "value": c.get("value")} for c in e.get("content", [])]
        source = e.get("source")
        entries.append({
            "title": e.get("title"),
            "title_type": (e.get("title_detail") or {}).get("type"),
            "link": e.get("link"),
            "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in e.get("links", [])],
            "id": e.get("id"),
            "published": iso(e.get("published_parsed")),
            "updated": iso(e.get("updated_parsed")),
            "author": e.get("author"),
            "authors": [person(a) for a in e.get("authors", [])],
            "contributors": [person(c) for c in e.get("contributors", [])],
            "source": None if source is None else {
                "title": source.get("title"),
                "href": source.get("href"),
                "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in source.get("links", [])],
            },
            "tags": [t.get("term") for t in e.get("tags", [])],
            "summary": e.get("summary"),
            "summary_text": shown_text(e.get("summary_detail")),
            "content": content,
            "content_text": text_of(content[0]["value"]) if content else None,
            # RSS: the item's dc:language; Atom: the xml:lang its title is in (its own, or the feed's).
            "language": e.get("language") or (e.get("title_detail") or {}).get("language"),
        })
    return {
        "bozo": bool(d.bozo),
        "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
        "version": d.get("version"),
        "feed": {"title": d.feed.get("title"), "link": d.feed.get("link"), "updated": iso(d.feed.get("updated_parsed")), "language": d.feed.get("language")},
        "entries": entries,
    }


def rfc3339_utc(value):
    if not value:
        return None
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_json(path):
    """The same shape from a JSON Feed: `_source` read as the source, `_shared_by` as a contributor."""
    with open(path, encoding="utf-8") as f:
        feed = json.load(f)
    entries = []
    for item in feed.get("items", []):
        shown = feedparser.sanitizer._sanitize_html(item.get("content_html", ""), "utf-8", "text/html")
        authors = [{k: a[k] for k in ("name", "url") if k in a} for a in item.get("authors", [])]
        source = item.get("_source")
        shared_by = item.get("_shared_by")
        links = [{"rel": "alternate", "href": item.get("url"), "type": None}]
        if item.get("external_url"):
            links.append({"rel": "via", "href": item["external_url"], "type": None})
        entries.append({
            "title": item.get("title"),
            "title_type": None,
            "link": item.get("url"),
            "links": links,
            "id": item.get("id"),
            "published": rfc3339_utc(item.get("date_published")),
            "updated": rfc3339_utc(item.get("date_modified")),
            "author": authors[0].get("name") if authors else None,
            "authors": authors,
            "contributors": [shared_by] if shared_by else [],
            "source": None if source is None else {
                "title": source.get("name"),
                "href": source.get("feed_url"),
                "links": [{"rel": "alternate", "href": source["home_page_url"]}] if source.get("home_page_url") else [],
            },
            "tags": item.get("tags", []),
            "summary": item.get("summary"),
            "summary_text": item.get("summary"),
            "content": [{"type": "text/html", "value": shown}],
            "content_text": text_of(shown),
            "language": item.get("language"),
        })
    return {
        "bozo": False,
        "bozo_exception": None,
        "version": feed.get("version"),
        "feed": {"title": feed.get("title"), "link": feed.get("home_page_url"), "updated": None, "language": feed.get("language")},
        "entries": entries,
    }


if __name__ == "__main__":
    target = sys.argv[1]
    result = read_json(target) if target.endswith(".json") else read_xml(target)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
