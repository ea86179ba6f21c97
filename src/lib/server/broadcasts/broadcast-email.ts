import { automaticEmail, emailDocument, escapeHtml, type ComposedEmail } from '../mail/digest.ts';

export interface BroadcastEmailInput {
	person: { name: string; email: string };
	orgName: string;
	senderName: string;
	broadcast: { id: string; title: string; body: string };
	baseUrl: string;
	/** A reminder to someone who has not acknowledged yet. */
	reminder: boolean;
}

/** Where the app shows the broadcast and asks for the acknowledgement. */
export function broadcastUrl(baseUrl: string, broadcastId: string): string {
	return `${baseUrl}/home?broadcast=${encodeURIComponent(broadcastId)}`;
}

/**
 * The email of an emergency broadcast. It goes to everyone in its scope whatever their email
 * settings (the point of an emergency), so it carries no unsubscribe header; it is marked
 * urgent for mail clients. Everything people wrote is escaped in the HTML part.
 */
export function composeBroadcastEmail(input: BroadcastEmailInput): ComposedEmail {
	const { person, broadcast, baseUrl } = input;
	const link = broadcastUrl(baseUrl, broadcast.id);
	const subject = `${input.reminder ? 'Reminder: ' : ''}[Urgent] ${broadcast.title}`;
	const text = [
		`Urgent message from ${input.senderName} to ${input.orgName}:`,
		'',
		broadcast.title,
		'',
		broadcast.body,
		'',
		`Acknowledge it in ConnectFlow: ${link}`,
		'',
		'--',
		'You get this email because it is an emergency broadcast of your organization; it is sent to everyone, whatever their email settings.',
		''
	].join('\n');
	const html = emailDocument(
		subject,
		'border-top:6px solid #b42318;',
		`<p style="margin:0 0 8px;font-size:13px;color:#b42318;font-weight:700;letter-spacing:.04em;text-transform:uppercase;">Urgent · ${escapeHtml(input.orgName)}</p>
<h1 style="margin:0 0 12px;font-size:20px;">${escapeHtml(broadcast.title)}</h1>
<p style="margin:0 0 20px;white-space:pre-wrap;">${escapeHtml(broadcast.body)}</p>
<p style="margin:0 0 20px;font-size:13px;color:#57606a;">From ${escapeHtml(input.senderName)}</p>
<a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#b42318;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600;">Acknowledge in ConnectFlow</a>
<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0 12px;">
<p style="margin:0;font-size:12px;color:#57606a;">An emergency broadcast of your organization goes to everyone, whatever their email settings.</p>`
	);
	return automaticEmail(person, {
		subject,
		text,
		html,
		headers: { Importance: 'high', 'X-Priority': '1' },
		links: [link]
	});
}
