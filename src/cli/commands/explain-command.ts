import { existsSync } from 'node:fs';
import { openStore } from '../../store/open-store.js';
import { storyEntryId } from '../../pipeline/run-once.js';
import { EXIT, type Command } from './command.js';
import { wordsForTerms } from './words-for-terms.js';

/** `storyfeed explain STORY_ID`: why a story's articles were grouped (score and shared terms per member). */
export const explainCommand: Command = {
  name: 'explain',
  synopsis: "explain   STORY_ID  show why a story's articles were grouped (similarity and shared terms)",
  help: `Usage: storyfeed explain STORY_ID [--json] [--config PATH]

Shows why a story's articles were grouped: each article's outlet, title, date and link, the similarity
it joined the story with, and the words it shared with the story (terms are stems, "violenc", shown
as the articles spell them, "violence"). STORY_ID is the entry's <id> in the
feed (urn:storyfeed:story:…) or the bare id after it.

Options:
  --json       print one JSON object instead: id, entryId, representativeItemId, published, updated,
               members[] {itemId, outlet, title, url, date, score, sharedTerms (stems, as the
               clusterer counts them), sharedWords (the same terms as the articles spell them)}

Exit codes: 0 explained; 1 no such story in the store; 2 no STORY_ID or a bad configuration.
`,
  options: { json: { type: 'boolean' } },
  async handler(ctx) {
    const wanted = ctx.args[0];
    if (!wanted) {
      ctx.stderr("storyfeed explain: give a story id (from the feed's <id>, e.g. urn:storyfeed:story:0123abcd…)\n");
      return EXIT.usage;
    }
    const id = wanted.replace(/^urn:storyfeed:story:/, '');
    const config = await ctx.loadConfig();
    // No database yet: nothing to explain, and none is made here (a first run may be building its own aside).
    if (!existsSync(config.store.path)) {
      ctx.stderr(
        `storyfeed explain: no story "${id}": ${config.store.path} does not exist yet (no run has finished)\n`,
      );
      return EXIT.failed;
    }
    const store = openStore(config.store.path);
    try {
      // A story merged into an older one is explained as that one.
      const live = store.resolveStoryId(id);
      if (live !== null && live !== id) ctx.stdout(`story ${id} was merged into ${live}\n`);
      const [story] = store.getStories([live ?? id]);
      if (!story) {
        ctx.stderr(`storyfeed explain: no story "${id}" in ${config.store.path}\n`);
        return EXIT.failed;
      }
      const items = new Map(store.getItems(story.members.map((m) => m.itemId)).map((i) => [i.id, i]));
      // Terms are stems ("violenc"); show each as the word the story's articles wrote it as.
      const spelled = wordsForTerms(
        story.members.flatMap((m) => m.terms),
        [...items.values()],
      );
      const members = story.members.map((m) => {
        const item = items.get(m.itemId);
        return {
          itemId: m.itemId,
          outlet: item?.sourceName ?? '?',
          title: item?.title ?? '?',
          url: item?.url ?? null,
          date: item?.date ?? null,
          score: m.score,
          sharedTerms: m.terms,
          sharedWords: m.terms.map((t) => spelled.get(t) ?? t),
        };
      });
      if (ctx.values.json) {
        ctx.stdout(
          `${JSON.stringify(
            {
              id: story.id,
              entryId: storyEntryId(story.id),
              representativeItemId: story.representativeItemId,
              published: story.published,
              updated: story.updated,
              members,
            },
            null,
            2,
          )}\n`,
        );
        return EXIT.ok;
      }
      const rep = items.get(story.representativeItemId);
      ctx.stdout(`story ${story.id} (${storyEntryId(story.id)})\n`);
      ctx.stdout(`headline: ${rep?.title ?? '?'} — ${rep?.sourceName ?? '?'}\n`);
      ctx.stdout(`published ${story.published}, updated ${story.updated}, ${members.length} articles\n\n`);
      members.forEach((m, i) => {
        const why =
          i === 0
            ? 'founded the story'
            : `joined with similarity ${m.score.toFixed(3)}; shared terms: ${m.sharedWords.join(', ') || '(none recorded)'}`;
        ctx.stdout(`${i + 1}. ${m.outlet}: ${m.title}\n   ${m.date ?? 'undated'}  ${m.url ?? ''}\n   ${why}\n`);
      });
      return EXIT.ok;
    } finally {
      store.close();
    }
  },
};
