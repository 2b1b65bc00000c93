"""The items newsboat stored in its cache, as JSON on stdout.

Usage: /usr/bin/python3 test/read_newsboat_cache.py CACHE.db

Reads newsboat's SQLite cache with Python's standard library, since the
sqlite3 command-line tool is often not installed.
"""

import json
import sqlite3
import sys

if __name__ == "__main__":
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    db.row_factory = sqlite3.Row
    feeds = [dict(r) for r in db.execute("SELECT rssurl, url, title FROM rss_feed ORDER BY rssurl")]
    items = [dict(r) for r in db.execute("SELECT feedurl, guid, title, author, url, pubDate FROM rss_item ORDER BY id")]
    json.dump({"feeds": feeds, "items": items}, sys.stdout, ensure_ascii=False, indent=1)
