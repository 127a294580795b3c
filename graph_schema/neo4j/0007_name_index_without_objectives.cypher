// The `node_text` index serves name look-ups and autocomplete only (the ranked search has its
// own indexes since 0006), so it no longer holds project objectives: about 30 MB of CORDIS
// text that every import indexed twice. Same labels and analyzer as 0003.
DROP INDEX node_text IF EXISTS;
CREATE FULLTEXT INDEX node_text IF NOT EXISTS
FOR (n:Organization|Person|Skill|Project|Call|Event|Region)
ON EACH [n.name, n.short_name, n.title, n.acronym, n.label_de, n.label_en, n.city,
         n.description_de, n.description_en, n.keywords, n.topic_title, n.synonyms]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding', `fulltext.eventually_consistent`: false}};
