/*
 * store_schema: the project database's schema as SQL, version by version:
 * the forward migrations store_open runs (src/store.c `migrate`). A new
 * version is one more string here and STORE_SCHEMA_VERSION in store.h.
 */
#include "config.h"

#include "store.h"

/*
 * Version 1 of the schema, which every project is built from (version 2
 * below replaces its vote and item_summary tables). Decisions and events are
 * append-only: triggers abort any UPDATE or DELETE, so an undo is a new
 * decision that supersedes the old one. Votes carry no foreign keys because
 * the importer resolves every reference itself before it writes, and 5M
 * foreign-key probes would double the import time.
 */
static const char schema_v1[] =
	"CREATE TABLE project(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE task(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  scale TEXT NOT NULL DEFAULT 'nominal'\n"
	"    CHECK (scale IN ('nominal', 'ordinal', 'interval')),\n"
	"  threshold REAL NOT NULL DEFAULT 0.70,\n"
	"  declared INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE label(\n"
	"  task INTEGER NOT NULL REFERENCES task(id),\n"
	"  code INTEGER NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  key TEXT,\n"
	"  ord INTEGER NOT NULL,\n"
	"  PRIMARY KEY (task, code),\n"
	"  UNIQUE (task, value)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE item(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL REFERENCES task(id),\n"
	"  external_id TEXT NOT NULL,\n"
	"  text TEXT,\n"
	"  meta TEXT,\n"
	"  UNIQUE (task, external_id)\n"
	");\n"
	"CREATE TABLE annotator(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'model', 'expert'))\n"
	");\n"
	"CREATE TABLE vote(\n"
	"  task INTEGER NOT NULL,\n"
	"  item INTEGER NOT NULL,\n"
	"  annotator INTEGER NOT NULL,\n"
	"  label INTEGER NOT NULL,\n"
	"  at TEXT,\n"
	"  comment TEXT,\n"
	"  source INTEGER,\n"
	"  PRIMARY KEY (task, item, annotator)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE prediction(\n"
	"  item INTEGER NOT NULL REFERENCES item(id),\n"
	"  model TEXT NOT NULL,\n"
	"  label INTEGER NOT NULL,\n"
	"  confidence REAL NOT NULL,\n"
	"  entropy REAL,\n"
	"  margin REAL,\n"
	"  probs TEXT NOT NULL,\n"
	"  source INTEGER,\n"
	"  PRIMARY KEY (item, model)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE guideline(\n"
	"  task INTEGER NOT NULL REFERENCES task(id),\n"
	"  version INTEGER NOT NULL,\n"
	"  declared_version TEXT,\n"
	"  sha256 TEXT NOT NULL,\n"
	"  yaml TEXT NOT NULL,\n"
	"  path TEXT,\n"
	"  loaded_at TEXT NOT NULL,\n"
	"  PRIMARY KEY (task, version)\n"
	");\n"
	"CREATE TABLE expert(\n"
	"  name TEXT PRIMARY KEY,\n"
	"  role TEXT NOT NULL CHECK (role IN ('expert', 'lead', 'viewer')),\n"
	"  unix_uid INTEGER,\n"
	"  unix_user TEXT,\n"
	"  added_at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE claim(\n"
	"  item INTEGER PRIMARY KEY REFERENCES item(id),\n"
	"  expert TEXT NOT NULL,\n"
	"  expires TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE decision(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  item INTEGER NOT NULL REFERENCES item(id),\n"
	"  expert TEXT NOT NULL,\n"
	"  label INTEGER,\n"
	"  reason TEXT,\n"
	"  rule TEXT,\n"
	"  guideline_version INTEGER,\n"
	"  blind_label INTEGER,\n"
	"  seconds REAL,\n"
	"  at TEXT NOT NULL,\n"
	"  supersedes INTEGER REFERENCES decision(id),\n"
	"  queue TEXT,\n"
	"  origin TEXT NOT NULL DEFAULT 'review'\n"
	");\n"
	"CREATE INDEX decision_item ON decision(item, id);\n"
	"CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision\n"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;\n"
	"CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision\n"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;\n"
	"CREATE TABLE event(\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  uid INTEGER NOT NULL,\n"
	"  host TEXT NOT NULL,\n"
	"  ssh TEXT,\n"
	"  action TEXT NOT NULL,\n"
	"  item INTEGER,\n"
	"  detail TEXT NOT NULL,\n"
	"  prev_hash TEXT NOT NULL,\n"
	"  hash TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX event_item ON event(item) WHERE item IS NOT NULL;\n"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
	"CREATE TABLE draft(\n"
	"  expert TEXT NOT NULL,\n"
	"  item INTEGER NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  PRIMARY KEY (expert, item)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE flag(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  item INTEGER NOT NULL REFERENCES item(id),\n"
	"  expert TEXT NOT NULL,\n"
	"  note TEXT,\n"
	"  at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE item_summary(\n"
	"  item INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  distinct_labels INTEGER NOT NULL,\n"
	"  plurality INTEGER,\n"
	"  plurality_n INTEGER NOT NULL,\n"
	"  tie INTEGER NOT NULL,\n"
	"  agreement REAL,\n"
	"  entropy REAL,\n"
	"  counts TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX summary_task_agreement ON item_summary(task, agreement, item);\n"
	"CREATE INDEX summary_needs_votes ON item_summary(task, n, item) WHERE n < 3;\n";

/*
 * Version 2 keeps one row per item in item_votes: the item's votes packed
 * as a JSON array in annotator order (see src/votepack.h) next to their
 * summary (the counts per label are not stored: store_summary_votes_counts derives
 * them from the votes). A million-item import then writes a million rows
 * where version 1 wrote four million votes and a million summaries. The
 * votes are packed with SQLite's JSON functions; the summaries move over.
 *
 * The queues read the summaries: "disputed" walks (task, agreement) in order
 * through a partial index over the disputed items only (agreement < 1, which
 * the queue's query states literally so that the planner can use it);
 * "needs-votes" (n below min_votes, 3 by default) uses a partial index over
 * the few items with fewer than 3 votes, which the planner picks when the
 * bound limit is 3 (SQLite compares bound values with a partial index's
 * condition). Both cost little to maintain on a bulk import, where a full
 * (task, n) index over a million rows took over a second.
 */
static const char schema_v2[] =
	"CREATE TABLE item_votes(\n"
	"  item INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL,\n"
	"  votes TEXT NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  distinct_labels INTEGER NOT NULL,\n"
	"  plurality INTEGER,\n"
	"  plurality_n INTEGER NOT NULL,\n"
	"  tie INTEGER NOT NULL,\n"
	"  agreement REAL,\n"
	"  entropy REAL\n"
	");\n"
	"WITH packed AS (SELECT item, json_group_array(CASE\n"
	"    WHEN comment IS NOT NULL THEN json_array(annotator, label, at, comment)\n"
	"    WHEN at IS NOT NULL THEN json_array(annotator, label, at)\n"
	"    ELSE json_array(annotator, label) END) AS votes\n"
	"  FROM (SELECT * FROM vote ORDER BY item, annotator) GROUP BY item)\n"
	"INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality, plurality_n,\n"
	"    tie, agreement, entropy)\n"
	"  SELECT s.item, s.task, COALESCE(p.votes, '[]'), s.n, s.distinct_labels, s.plurality,\n"
	"    s.plurality_n, s.tie, s.agreement, s.entropy\n"
	"  FROM item_summary s LEFT JOIN packed p ON p.item = s.item;\n"
	"DROP TABLE vote;\n"
	"DROP TABLE item_summary;\n"
	"CREATE INDEX item_votes_agreement ON item_votes(task, agreement)\n"
	"  WHERE agreement < 1;\n"
	"CREATE INDEX item_votes_needs ON item_votes(task, n) WHERE n < 3;\n";

/*
 * Version 3 is for offline packets (src/packet.h). The project gets a
 * random id, so that a packet cannot be merged into another project; events
 * get the signer's public key and signature, which only events written into
 * a packet carry; expert_key holds the public keys the project trusts (as
 * ssh's known_hosts); packet lists the packets made, packet_item the items
 * out in an open one (its rows go when the packet is merged or cancelled);
 * conflict pairs a decision made in the project with the packet's decision
 * on the same item until a lead settles them. A packet file has exactly the
 * project's schema, so that a merge can demand it.
 */
static const char schema_v3[] =
	"INSERT OR IGNORE INTO project(key, value) VALUES ('id', lower(hex(randomblob(16))));\n"
	"ALTER TABLE event ADD COLUMN signer TEXT;\n"
	"ALTER TABLE event ADD COLUMN sig TEXT;\n"
	"CREATE TABLE expert_key(\n"
	"  pubkey TEXT PRIMARY KEY,\n"
	"  expert TEXT NOT NULL,\n"
	"  fingerprint TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE packet(\n"
	"  id TEXT PRIMARY KEY,\n"
	"  expert TEXT,\n"
	"  queue TEXT,\n"
	"  created TEXT NOT NULL,\n"
	"  state TEXT NOT NULL CHECK (state IN ('out', 'merged', 'cancelled')),\n"
	"  items INTEGER NOT NULL,\n"
	"  head TEXT NOT NULL,\n"
	"  head_seq INTEGER NOT NULL,\n"
	"  base_decision INTEGER NOT NULL,\n"
	"  closed_at TEXT,\n"
	"  merged_head TEXT,\n"
	"  decisions INTEGER,\n"
	"  conflicts INTEGER\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE packet_item(\n"
	"  item INTEGER PRIMARY KEY,\n"
	"  packet TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX packet_item_packet ON packet_item(packet);\n"
	"CREATE TABLE conflict(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  item INTEGER NOT NULL,\n"
	"  packet TEXT NOT NULL,\n"
	"  project_decision INTEGER NOT NULL,\n"
	"  packet_decision INTEGER NOT NULL,\n"
	"  settled_by INTEGER\n"
	");\n"
	"CREATE INDEX conflict_item ON conflict(item);\n";

/*
 * Version 4 gives the lead's dashboard its first screen without a pass
 * over the items: task_tally keeps, per task, the aggregates of the
 * summary columns its Tasks section shows first (store_lead_quick), and
 * every writer of item_votes recounts it (store_summary_tally). A covering
 * index over those columns was measured too: summing it at 1M items took
 * 0.65 s against the table's 0.87 s, and keeping it added 4 s to a 16 s
 * import, where recounting the tally after an import costs one such pass.
 */
static const char schema_v4[] =
	"CREATE TABLE task_tally(\n"
	"  task INTEGER PRIMARY KEY,\n"
	"  items INTEGER NOT NULL,\n"
	"  votes INTEGER NOT NULL,\n"
	"  compared INTEGER NOT NULL,\n"
	"  sum_agree REAL NOT NULL,\n"
	"  disputed INTEGER NOT NULL\n"
	");\n"
	"INSERT INTO task_tally " STORE_SUMMARY_TALLY_SELECT " GROUP BY task;\n";

/* Forward migrations: store_migrations[v] takes the schema from v to v + 1. */
const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
};
