import { z } from 'zod';
import { roles } from '#shared/roles.ts';
import people from './people.json' with { type: 'json' };

const demoPersonSchema = z.object({
	name: z.string(),
	title: z.string(),
	role: z.enum(roles),
	department: z.string().optional(),
	team: z.string().optional()
});

/** The demo organization: Northwind Labs, its departments, teams and some fifty people. */
export type DemoPerson = z.infer<typeof demoPersonSchema>;

export const demoOrganization = 'Northwind Labs';
export const demoDomain = 'northwind.demo';
export const demoPassword = 'northwind-demo-2026';

export const demoStructure: Record<string, string[]> = {
	Engineering: ['Platform', 'Mobile', 'Data & ML'],
	'Product & Design': ['Product Management', 'Design'],
	Sales: ['Enterprise Sales', 'Customer Success'],
	Marketing: ['Growth', 'Brand & Content'],
	'People & Operations': ['Talent', 'Finance']
};

export const demoAdmin: DemoPerson = {
	name: 'Amelia Hart',
	title: 'Chief Executive Officer',
	role: 'super_admin'
};

/** Everyone else, placed by department and team (the data is in people.json). */
export const demoPeople: DemoPerson[] = z.array(demoPersonSchema).parse(people);

export function demoEmail(name: string): string {
	const local = name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z]+/g, '.')
		.replace(/^\.|\.$/g, '');
	return `${local}@${demoDomain}`;
}
