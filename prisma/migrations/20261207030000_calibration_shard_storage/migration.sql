-- Shards of a large run are scratch data written once and read once per worker process (decision 021, h32).
-- Their bytes are packed integers that pglz hardly shrinks: store them uncompressed (a 13 MB shard was
-- written in 0.6–0.95 s with the compression attempt, 0.11–0.19 s without), and keep the table out of the
-- write-ahead log: a server crash empties it, which fails the runs under way as a lost shard already does.
ALTER TABLE "CalibrationShard" ALTER COLUMN "data" SET STORAGE EXTERNAL;
ALTER TABLE "CalibrationShard" SET UNLOGGED;
