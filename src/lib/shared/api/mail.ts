import { defineContract } from './contract.ts';
import { emailSettingsInputSchema, emailSettingsSchema } from './mail.schema.ts';

/** Email notifications of the signed-in person. */
export const emailSettings = defineContract({
	method: 'GET',
	path: '/api/notifications/email',
	summary: 'Whether this server sends email, and whether I get notification emails',
	tag: 'Notifications',
	requiresUser: true,
	response: emailSettingsSchema
});

export const setEmailSettings = defineContract({
	method: 'PUT',
	path: '/api/notifications/email',
	summary: 'Turn my notification emails on or off, and choose how long they wait for more',
	tag: 'Notifications',
	requiresUser: true,
	body: emailSettingsInputSchema,
	response: emailSettingsSchema
});
