// Indexes for the lookups every request makes (PROFILE showed label scans for each).
// Every HTML page counts the account's unread notifications.
CREATE INDEX notification_account_read IF NOT EXISTS FOR (n:Notification) ON (n.account, n.read);
// Every recommendation reads the member's feedback.
CREATE INDEX feedback_account IF NOT EXISTS FOR (n:Feedback) ON (n.account);
// Every call with an API token (and every password reset) looks the account up by a hash.
CREATE INDEX account_api_token IF NOT EXISTS FOR (n:Account) ON (n.api_token_hash);
CREATE INDEX account_reset_token IF NOT EXISTS FOR (n:Account) ON (n.reset_token_hash);
// Introductions and notifications go to the accounts of an organisation.
CREATE INDEX account_organization IF NOT EXISTS FOR (n:Account) ON (n.organization_id);
CREATE INDEX introduction_target_org IF NOT EXISTS FOR (n:Introduction) ON (n.target_org);
