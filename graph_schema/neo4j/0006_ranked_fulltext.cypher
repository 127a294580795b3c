// Ranked full text: one index per kind of document and language, so each corpus keeps its
// own term statistics and each language its own analyzer: Lucene's English analyzer (Porter
// stemmer) over the English fields, its German analyzer (German normalisation and light
// stemming) over the German ones; names, keywords and objectives, whose language is not
// recorded, are in both. Neo4j allows one index per set of labels and properties, and the
// per-language field lists differ, so the pairs can exist side by side.
// Organisations and people; projects (with their objectives); skills (labels and synonyms).
// The older `node_text` index stays for name look-ups and autocomplete.
CREATE FULLTEXT INDEX member_text_en IF NOT EXISTS
FOR (n:Organization|Person)
ON EACH [n.name, n.short_name, n.title, n.city, n.description_en, n.keywords]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: false}};
CREATE FULLTEXT INDEX member_text_de IF NOT EXISTS
FOR (n:Organization|Person)
ON EACH [n.name, n.short_name, n.title, n.city, n.description_de, n.keywords]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'german', `fulltext.eventually_consistent`: false}};
CREATE FULLTEXT INDEX project_text_en IF NOT EXISTS
FOR (n:Project)
ON EACH [n.title, n.acronym, n.keywords, n.objective, n.topic_title]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: false}};
CREATE FULLTEXT INDEX project_text_de IF NOT EXISTS
FOR (n:Project)
ON EACH [n.title, n.acronym, n.keywords, n.objective]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'german', `fulltext.eventually_consistent`: false}};
CREATE FULLTEXT INDEX skill_text_en IF NOT EXISTS
FOR (n:Skill)
ON EACH [n.label_en, n.synonyms, n.description_en]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: false}};
CREATE FULLTEXT INDEX skill_text_de IF NOT EXISTS
FOR (n:Skill)
ON EACH [n.label_de, n.synonyms, n.description_de]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'german', `fulltext.eventually_consistent`: false}};
