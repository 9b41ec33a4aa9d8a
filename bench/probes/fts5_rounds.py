#!/usr/bin/env python3
"""What FTS5 costs per document in rounds of a given size, outside parleyd (bench/results/README.md,
sixth sitting). Python's sqlite3 uses the system libsqlite3, as parleyd does; the table has the
search index's tokenizer; documents get rowids chat << 32 | seq over 100 chats, as parleyd's do.
  python3 bench/probes/fts5_rounds.py VARIANT [DOCS] [ROUND] [DIR]
VARIANT: "replace" (INSERT OR REPLACE, as parleyd writes) or "plain" (INSERT), optionally with
"-am8" (FTS5 automerge 8; default 4). Prints CPU µs per document (this process's rusage)."""
import os, random, resource, sqlite3, sys, tempfile, time

variant = sys.argv[1]
docs = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
per_round = int(sys.argv[3]) if len(sys.argv) > 3 else 500
path = os.path.join(sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(), "fts5_rounds.db")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("""CREATE VIRTUAL TABLE messages_fts USING fts5(body, tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'")""")
if "-am" in variant:
    db.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES('automerge', ?)", (int(variant.split("-am")[1]),))
sql = ("INSERT INTO messages_fts (rowid, body) VALUES (?, ?)" if variant.startswith("plain")
       else "INSERT OR REPLACE INTO messages_fts (rowid, body) VALUES (?, ?)")
random.seed(1)
words = ["".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(2, 9))) for _ in range(5000)]
texts = [" ".join(random.choice(words) for _ in range(random.randint(3, 12))) for _ in range(docs)]
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.time()
for i in range(0, docs, per_round):
    db.execute("BEGIN")
    for n, text in enumerate(texts[i:i + per_round], start=i + 1):
        db.execute(sql, ((n % 100) * 4294967296 + n, text))
    db.execute("COMMIT")
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(f"{variant}: {docs} documents in rounds of {per_round}: {cpu / docs * 1e6:.2f} µs CPU each, "
      f"{time.time() - t0:.2f} s, {os.path.getsize(path) / 1e6:.1f} MB")
