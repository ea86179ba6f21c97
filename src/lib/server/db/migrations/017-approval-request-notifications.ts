/**
 * A request waiting for someone's decision notifies those who decide it (reason
 * `approval-request`, its `message_id` the request's id, filed under the conversation the request
 * concerns): the bell shows "X asks to …" and email and push follow as for any notification.
 * Once the request is decided, by any of them or on the People page, these notifications are read.
 */
export default `
alter table notifications drop constraint notifications_reason_check;
alter table notifications add constraint notifications_reason_check
	check (reason in ('mention', 'group', 'reply', 'direct', 'invitation', 'breakout', 'approval',
		'approval-request'));
`;
