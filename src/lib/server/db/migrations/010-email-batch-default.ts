/**
 * The batching interval a person did not choose follows the server's setting.
 *
 * 009 gave `notification_settings.email_batch_seconds` the default 600, so a row made for
 * another reason (email turned off) fixed 10 minutes as if chosen, and EMAIL_BATCH_SECONDS could
 * not reach it. Null now means "the server's default"; nobody could choose an interval before
 * this migration (there was no setting for it), so every 600 there was the default and becomes
 * null.
 */
export default `
alter table notification_settings alter column email_batch_seconds drop not null;
alter table notification_settings alter column email_batch_seconds drop default;
update notification_settings set email_batch_seconds = null where email_batch_seconds = 600;
`;
