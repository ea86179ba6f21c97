/**
 * Delivery to people who are away (delivery/away-delivery.ts).
 *
 * - `notifications.emailed_at` / `email_job`: a notification an email job took (claimed) is
 *   never in another email; a retry of the same job takes the ones it claimed again, so a job
 *   that died before sending still sends them.
 * - `notification_settings.email_batch_seconds`: how long a person's email waits for more
 *   (10 minutes unless they chose otherwise).
 */
export default `
alter table notifications add column emailed_at timestamptz;
alter table notifications add column email_job text;
create index notifications_email_job on notifications (email_job) where email_job is not null;
alter table notification_settings add column email_batch_seconds integer not null default 600
	check (email_batch_seconds between 1 and 86400);
`;
