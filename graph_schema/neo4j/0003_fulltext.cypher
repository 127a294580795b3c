// One full-text index over the searchable text of the graph's labels. The folding analyzer
// makes "Munchen" find "München", as the SQLite store's unicode61 tokenizer does.
CREATE FULLTEXT INDEX node_text IF NOT EXISTS
FOR (n:Organization|Person|Skill|Project|Call|Event|Region)
ON EACH [n.name, n.short_name, n.title, n.acronym, n.label_de, n.label_en, n.city,
         n.description_de, n.description_en, n.keywords, n.objective, n.topic_title, n.synonyms]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding', `fulltext.eventually_consistent`: false}};
