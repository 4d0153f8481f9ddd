import { clusterFile } from './cluster-file.js';
import { StoryfeedError } from '../../lib/errors.js';
import { EXIT, type Command } from './command.js';

/** `storyfeed cluster --in FILE.jsonl[.gz] --out FILE.jsonl`: clusters a file of articles with the pipeline's clusterer. */
export const clusterCommand: Command = {
  name: 'cluster',
  synopsis: 'cluster   --in FILE.jsonl[.gz] --out FILE.jsonl  cluster a file of articles as one stream (one {"id","story"} line each)',
  help: `Usage: storyfeed cluster --in FILE.jsonl[.gz] --out FILE.jsonl

Groups a file of articles into stories with the same code a run uses, as one stream, without a store.

Input: JSON lines (gzip when the name ends in .gz), one article per line:
  {"id": "a1", "title": "…", "description": "…", "body": "…", "outlet": "…", "url": "…",
   "published": "2015-03-12T10:00:00Z"}
  id is required and unique; the others may be missing or null; other fields are ignored.
Output: one line per article, in input order: {"id": "a1", "story": "<story id>"}

Exit codes: 0 written; 1 cannot read the input or a line is unusable; 2 --in or --out missing.
`,
  options: { in: { type: 'string' }, out: { type: 'string' } },
  async handler(ctx) {
    const inPath = ctx.values.in;
    const outPath = ctx.values.out;
    if (typeof inPath !== 'string' || typeof outPath !== 'string') {
      ctx.stderr('storyfeed cluster: both --in FILE.jsonl[.gz] and --out FILE.jsonl are required\n');
      return EXIT.usage;
    }
    try {
      const result = await clusterFile(inPath, outPath);
      ctx.stdout(`clustered ${result.articles} articles into ${result.stories} stories in ${Math.round(result.durationMs)} ms → ${outPath}\n`);
      return EXIT.ok;
    } catch (error) {
      // A typed error already names its stage ("cluster: …").
      ctx.stderr(error instanceof StoryfeedError ? `storyfeed ${error.message}\n` : `storyfeed cluster: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
  },
};
