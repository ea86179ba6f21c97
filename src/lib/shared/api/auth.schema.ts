import { z } from 'zod';
import { personFields } from './org.schema.ts';
import { singleLineText } from '../text.ts';

export const emailSchema = singleLineText()
	.trim()
	.toLowerCase()
	.min(1, 'Enter your email address.')
	.max(254)
	.pipe(z.email({ message: 'Enter a valid email address.' }));

/** Length beats composition rules (NIST 800-63B): at least 10 characters, not one repeated. */
export const passwordSchema = singleLineText()
	.min(10, 'Use at least 10 characters.')
	.max(200, 'Use at most 200 characters.')
	.refine((value) => new Set(value).size >= 4, 'Use a less repetitive password.');

export const personNameSchema = singleLineText().trim().min(1, 'Enter your name.').max(100);
export const titleSchema = singleLineText().trim().max(100).default('');

export const signInSchema = z.object({
	email: emailSchema,
	password: singleLineText().min(1, 'Enter your password.').max(200)
});

/** Who a new account is, whether it joins an organization or creates one. */
const newAccountFields = {
	name: personNameSchema,
	email: emailSchema,
	password: passwordSchema,
	title: titleSchema
};

export const registerSchema = z.object({
	joinCode: singleLineText()
		.trim()
		.toUpperCase()
		.min(4, 'Enter the join code you were given.')
		.max(32),
	...newAccountFields
});

export const createOrganizationSchema = z.object({
	organizationName: singleLineText().trim().min(2, 'Enter the organization name.').max(100),
	...newAccountFields
});

export const sessionUserSchema = z.object({
	...personFields,
	orgId: z.uuid(),
	orgName: z.string()
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** The answer of every operation that signs someone in. */
export const signedInSchema = z.object({ user: sessionUserSchema });

export const sessionInfoSchema = z.object({
	id: z.string(),
	createdAt: z.iso.datetime({ offset: true }),
	lastSeenAt: z.iso.datetime({ offset: true }),
	expiresAt: z.iso.datetime({ offset: true }),
	device: z.string(),
	ip: z.string(),
	current: z.boolean()
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export type SignInInput = z.infer<typeof signInSchema>;
export type RegisterInput = z.infer<typeof registerSchema>;
export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;
