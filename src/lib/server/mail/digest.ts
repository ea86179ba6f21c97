import type { ChannelKind } from '#shared/policy.ts';

export interface DigestPerson {
	id: string;
	name: string;
	email: string;
}

export interface DigestConversation {
	id: string;
	kind: ChannelKind;
	/** The channel's name; for a direct message, the other person's name. */
	name: string;
}

export interface DigestMessage {
	id: string;
	authorName: string;
	/** The message's text as written (markdown source): shown as plain text. */
	text: string;
	sentAt: Date;
}

export interface DigestInput {
	person: DigestPerson;
	org: { name: string };
	conversation: DigestConversation;
	messages: readonly DigestMessage[];
	/** The app's public address, without a trailing slash. */
	baseUrl: string;
	/** The one-click unsubscribe URL (RFC 8058) for this person. */
	unsubscribeUrl: string;
}

/** A composed email, ready for nodemailer's `sendMail` (plus `from`). */
export interface ComposedEmail {
	to: { name: string; address: string };
	subject: string;
	text: string;
	html: string;
	headers: Record<string, string>;
	/** What the lead's job logs and tests check: one link per message, in order. */
	links: string[];
}

/** A longer message is cut here in the email; the link opens the whole of it. */
const EXCERPT_CHARS = 600;
/** An email lists at most this many messages; the rest are counted and linked as one. */
const MAX_MESSAGES = 20;

/** The link that opens a conversation at one message, highlighted. */
export function messageUrl(baseUrl: string, channelId: string, messageId: string): string {
	return `${baseUrl}/c/${encodeURIComponent(channelId)}?message=${encodeURIComponent(messageId)}`;
}

/**
 * The email of what a person missed in one conversation: one email however many messages, with
 * a text and an HTML part saying the same, a link to each message, and the headers that let
 * mail clients offer a one-click unsubscribe (`List-Unsubscribe` with an https URL only, and
 * `List-Unsubscribe-Post`, RFC 8058). Everything taken from people (names, text) is escaped in
 * the HTML part; the text part needs no escaping.
 */
export function composeMissedMessages(input: DigestInput): ComposedEmail {
	const { person, org, conversation, baseUrl, unsubscribeUrl } = input;
	const messages = input.messages.slice(0, MAX_MESSAGES);
	const more = input.messages.length - messages.length;
	const place = conversation.kind === 'dm' ? conversation.name : `#${conversation.name}`;
	const count = input.messages.length;
	const subject =
		conversation.kind === 'dm'
			? `${count === 1 ? 'A new message' : `${count} new messages`} from ${conversation.name}`
			: `${count === 1 ? 'A new message' : `${count} new messages`} in ${place}`;
	const links = messages.map((message) => messageUrl(baseUrl, conversation.id, message.id));
	const conversationUrl = `${baseUrl}/c/${encodeURIComponent(conversation.id)}`;
	const settingsUrl = `${baseUrl}/settings`;
	const time = (date: Date) =>
		date.toLocaleString('en-GB', {
			dateStyle: 'medium',
			timeStyle: 'short',
			timeZone: 'UTC'
		}) + ' UTC';

	const text = [
		`Hi ${person.name},`,
		'',
		`You missed ${count === 1 ? 'a message' : `${count} messages`} in ${place} (${org.name}):`,
		'',
		...messages.flatMap((message, index) => [
			`${message.authorName}, ${time(message.sentAt)}:`,
			indent(excerpt(message.text)),
			`Open: ${links[index]}`,
			''
		]),
		...(more > 0 ? [`…and ${more} more: ${conversationUrl}`, ''] : []),
		'--',
		`You get this email because email notifications are on for you in ConnectFlow.`,
		`Turn them off: ${unsubscribeUrl}`,
		`Settings: ${settingsUrl}`,
		''
	].join('\n');

	const html = emailDocument(
		subject,
		'',
		`<p style="margin:0 0 16px;">Hi ${escapeHtml(person.name)},</p>
<p style="margin:0 0 20px;">You missed ${count === 1 ? 'a message' : `${count} messages`} in <strong>${escapeHtml(place)}</strong> (${escapeHtml(org.name)}):</p>
${messages
	.map(
		(
			message,
			index
		) => `<div style="margin:0 0 16px;padding:12px 14px;border-left:3px solid #4f46e5;background:#f8f8fb;border-radius:4px;">
<p style="margin:0 0 6px;font-size:13px;color:#57606a;"><strong style="color:#1f2328;">${escapeHtml(message.authorName)}</strong> · ${escapeHtml(time(message.sentAt))}</p>
<p style="margin:0 0 8px;white-space:pre-wrap;">${escapeHtml(excerpt(message.text))}</p>
<a href="${escapeHtml(links[index] ?? conversationUrl)}" style="font-size:14px;color:#4f46e5;">Open this message</a>
</div>`
	)
	.join('\n')}
${more > 0 ? `<p style="margin:0 0 16px;"><a href="${escapeHtml(conversationUrl)}" style="color:#4f46e5;">…and ${more} more in ${escapeHtml(place)}</a></p>` : ''}
<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0 12px;">
<p style="margin:0;font-size:12px;color:#57606a;">You get this email because email notifications are on for you in ConnectFlow. <a href="${escapeHtml(unsubscribeUrl)}" style="color:#57606a;">Turn them off</a> · <a href="${escapeHtml(settingsUrl)}" style="color:#57606a;">Settings</a></p>`
	);

	return automaticEmail(person, {
		subject,
		text,
		html,
		headers: {
			// An https URL only (no mailto:): RFC 8058's one-click POST goes to it.
			'List-Unsubscribe': `<${unsubscribeUrl}>`,
			'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'
		},
		links
	});
}

/**
 * An email the app sends `person` by itself: its headers end with `Auto-Submitted`, so mail
 * servers and clients send no out-of-office replies to it.
 */
export function automaticEmail(
	person: { name: string; email: string },
	email: Omit<ComposedEmail, 'to'>
): ComposedEmail {
	return {
		to: { name: person.name, address: person.email },
		...email,
		headers: { ...email.headers, 'Auto-Submitted': 'auto-generated' }
	};
}

/**
 * The HTML around every email's content: one centred card on a grey page, light and dark aware.
 * `cardStyle` adds to the card's style (an urgent email's red top border).
 */
export function emailDocument(subject: string, cardStyle: string, content: string): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:24px 12px;background:#f4f5f7;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;${cardStyle}">
${content}
</div>
</body>
</html>
`;
}

export function escapeHtml(value: string): string {
	return value
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

function excerpt(text: string): string {
	const trimmed = text.trim();
	return trimmed.length > EXCERPT_CHARS ? `${trimmed.slice(0, EXCERPT_CHARS).trimEnd()}…` : trimmed;
}

function indent(text: string): string {
	return text
		.split('\n')
		.map((line) => `  ${line}`)
		.join('\n');
}
