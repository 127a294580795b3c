// Introductions reach the person asked for and KI.M's staff queue; members save consortia (issue 12).
CREATE CONSTRAINT team_id IF NOT EXISTS FOR (n:Team) REQUIRE n.id IS UNIQUE;
CREATE INDEX team_account IF NOT EXISTS FOR (n:Team) ON (n.account);
CREATE INDEX introduction_route IF NOT EXISTS FOR (n:Introduction) ON (n.route);
CREATE INDEX introduction_recipient IF NOT EXISTS FOR (n:Introduction) ON (n.recipient_account);
CREATE INDEX introduction_target_person IF NOT EXISTS FOR (n:Introduction) ON (n.target_person);
