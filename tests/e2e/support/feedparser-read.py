"""Reads a feed URL with Python's feedparser (as a real reader would) and prints what it saw as JSON.

Usage: python3 feedparser-read.py URL [ETAG] [MODIFIED]
"""
import json
import sys

import feedparser

url = sys.argv[1]
etag = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
modified = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
d = feedparser.parse(url, etag=etag, modified=modified, agent='storyfeed-e2e feedparser')
print(json.dumps({
    'bozo': bool(d.bozo),
    'bozo_exception': str(d.get('bozo_exception', '')),
    'version': d.get('version', ''),
    'status': d.get('status'),
    'etag': d.get('etag'),
    'modified': d.get('modified'),
    'title': d.feed.get('title'),
    'entries': [
        {
            'id': e.get('id'),
            'title': e.get('title'),
            'updated': e.get('updated'),
            'links': [{'rel': l.get('rel'), 'href': l.get('href'), 'title': l.get('title')} for l in e.get('links', [])],
            'content': (e.get('content') or [{}])[0].get('value'),
        }
        for e in d.entries
    ],
}))
