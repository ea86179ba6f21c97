import type { Role } from '#shared/roles.ts';

/** The demo organization: Northwind Labs, its departments, teams and some fifty people. */
export interface DemoPerson {
	name: string;
	title: string;
	role: Role;
	department?: string;
	team?: string;
}

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

const member = (name: string, title: string, department: string, team: string): DemoPerson => ({
	name,
	title,
	role: 'team_member',
	department,
	team
});
const manager = (name: string, title: string, department: string, team: string): DemoPerson => ({
	name,
	title,
	role: 'team_manager',
	department,
	team
});
const head = (name: string, title: string, department: string): DemoPerson => ({
	name,
	title,
	role: 'department_head',
	department
});

export const demoPeople: DemoPerson[] = [
	{ name: 'Jonas Weber', title: 'Chief Operating Officer', role: 'super_admin' },
	head('Priya Raman', 'VP of Engineering', 'Engineering'),
	manager('Marcus Chen', 'Engineering Manager, Platform', 'Engineering', 'Platform'),
	member('Sofia Alvarez', 'Senior Backend Engineer', 'Engineering', 'Platform'),
	member('Liam O’Connor', 'Site Reliability Engineer', 'Engineering', 'Platform'),
	member('Yuki Tanaka', 'Backend Engineer', 'Engineering', 'Platform'),
	member('Noah Fischer', 'Security Engineer', 'Engineering', 'Platform'),
	manager('Aisha Bello', 'Engineering Manager, Mobile', 'Engineering', 'Mobile'),
	member('Ethan Brooks', 'iOS Engineer', 'Engineering', 'Mobile'),
	member('Chloé Martin', 'Android Engineer', 'Engineering', 'Mobile'),
	member('Mateo Rossi', 'Mobile QA Engineer', 'Engineering', 'Mobile'),
	manager('Hannah Kim', 'Lead Data Scientist', 'Engineering', 'Data & ML'),
	member('Omar Haddad', 'Machine Learning Engineer', 'Engineering', 'Data & ML'),
	member('Elena Petrova', 'Data Engineer', 'Engineering', 'Data & ML'),
	head('Daniel Okafor', 'VP of Product', 'Product & Design'),
	manager('Grace Liu', 'Group Product Manager', 'Product & Design', 'Product Management'),
	member('Lucas Silva', 'Product Manager, Messaging', 'Product & Design', 'Product Management'),
	member('Emma Novak', 'Product Manager, Admin', 'Product & Design', 'Product Management'),
	manager('Isabel Torres', 'Design Lead', 'Product & Design', 'Design'),
	member('Felix Wagner', 'Product Designer', 'Product & Design', 'Design'),
	member('Zara Ahmed', 'UX Researcher', 'Product & Design', 'Design'),
	member('Ren Takahashi', 'Content Designer', 'Product & Design', 'Design'),
	head('Rachel Adams', 'VP of Sales', 'Sales'),
	manager('Tom Becker', 'Enterprise Sales Director', 'Sales', 'Enterprise Sales'),
	member('Nina Johansson', 'Account Executive', 'Sales', 'Enterprise Sales'),
	member('Carlos Mendes', 'Account Executive', 'Sales', 'Enterprise Sales'),
	member('Fatima Zahra', 'Sales Engineer', 'Sales', 'Enterprise Sales'),
	manager('Olivia Grant', 'Head of Customer Success', 'Sales', 'Customer Success'),
	member('Ben Carter', 'Customer Success Manager', 'Sales', 'Customer Success'),
	member('Mei Wong', 'Support Specialist', 'Sales', 'Customer Success'),
	member('Samuel Osei', 'Onboarding Specialist', 'Sales', 'Customer Success'),
	head('Laura Schmidt', 'VP of Marketing', 'Marketing'),
	manager('Kevin Murphy', 'Growth Lead', 'Marketing', 'Growth'),
	member('Ana Costa', 'Lifecycle Marketer', 'Marketing', 'Growth'),
	member('Ivan Horvat', 'Marketing Analyst', 'Marketing', 'Growth'),
	manager('Julia Romano', 'Brand Director', 'Marketing', 'Brand & Content'),
	member('Theo Laurent', 'Copywriter', 'Marketing', 'Brand & Content'),
	member('Maya Patel', 'Video Producer', 'Marketing', 'Brand & Content'),
	head('Victor Nguyen', 'VP of People & Operations', 'People & Operations'),
	manager('Sarah Lindqvist', 'Talent Lead', 'People & Operations', 'Talent'),
	member('Diego Ramírez', 'Technical Recruiter', 'People & Operations', 'Talent'),
	member('Hana Yilmaz', 'People Partner', 'People & Operations', 'Talent'),
	manager('Robert King', 'Finance Manager', 'People & Operations', 'Finance'),
	member('Leah Cohen', 'Accountant', 'People & Operations', 'Finance'),
	member('Arjun Mehta', 'Financial Analyst', 'People & Operations', 'Finance'),
	member('Claire Dubois', 'Office Manager', 'People & Operations', 'Finance'),
	member('Kofi Mensah', 'Backend Engineer', 'Engineering', 'Platform'),
	member('Ingrid Berg', 'Frontend Engineer', 'Engineering', 'Mobile'),
	member('Paolo Bianchi', 'Data Analyst', 'Engineering', 'Data & ML'),
	member('Alice Moreau', 'Product Designer', 'Product & Design', 'Design')
];

export function demoEmail(name: string): string {
	const local = name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z]+/g, '.')
		.replace(/^\.|\.$/g, '');
	return `${local}@${demoDomain}`;
}
