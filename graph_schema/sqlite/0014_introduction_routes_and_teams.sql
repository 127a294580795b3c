-- introduction routes and saved teams (issue 12): applied once by `kim migrate`.
CREATE INDEX IF NOT EXISTS nodes_intro_route ON nodes (label, json_extract(props, '$.route'));
CREATE INDEX IF NOT EXISTS nodes_intro_recipient ON nodes (label, json_extract(props, '$.recipient_account'));
CREATE INDEX IF NOT EXISTS nodes_intro_target_person ON nodes (label, json_extract(props, '$.target_person'));
CREATE INDEX IF NOT EXISTS nodes_team_account ON nodes (label, json_extract(props, '$.account'));
