/** Believable things people say at Northwind Labs, by kind of channel. */
export const lines: Record<string, string[]> = {
	announcements: [
		'Welcome to ConnectFlow, everyone! This is where company-wide news lands. Please **mark as read** so we know it reached you.',
		'Reminder: the all-hands is on Thursday at 16:00 in the atrium and on the stream link.',
		'Q3 results are in: revenue up 18% quarter over quarter. Thank you all for an incredible push.',
		'The office will be closed on Monday for maintenance of the heating system. Work from home.',
		'Please complete the annual security training by the end of the month.',
		'We are delighted to welcome eight new colleagues this week. Say hi in your team channels!',
		'Benefits enrolment opens next week. Details are in the People & Operations channel.',
		'Our customer conference is confirmed for March. Save the date!'
	],
	engineering: [
		'Deploy of the API gateway is done, all health checks green.',
		'Can someone review my pull request for the retry logic? It is small, promise.',
		'The nightly build failed on the migration step. Looking into it now.',
		'Heads up: I am rotating the staging database credentials at 15:00.',
		'p99 latency dropped from 180 ms to 65 ms after the cache change. 🎉',
		'We should write down the on-call handover checklist; it lives only in my head right now.',
		'Found the memory leak: an event listener was never removed when the socket closed.',
		'Is anyone else seeing flaky tests in the payments suite?',
		'Postmortem for Tuesday’s incident is in the shared folder. Action items assigned.',
		'I moved the feature flag to 50% of traffic. Watching the error rate.',
		'`npm audit` is clean again after the dependency bump.',
		'Pairing session on the sync protocol at 11, anyone welcome.',
		'Reminder to tag your commits with the ticket number, it makes release notes so much easier.',
		'The load test reached 5,000 concurrent connections with 40% CPU to spare.'
	],
	product: [
		'Draft of the Q1 roadmap is ready for comments.',
		'User interviews this week: five customers confirmed, two pending.',
		'The new onboarding flow cut time-to-first-message from 9 minutes to 3.',
		'Design review for the admin console moved to Wednesday.',
		'I updated the prototype with the feedback from yesterday, see the latest frames.',
		'Can we agree on the naming: “project room” or “project space”?',
		'Accessibility audit results are in: mostly contrast issues on secondary buttons.',
		'Research synthesis: people want search that finds partial words. Unsurprising but loud.',
		'Spec for threads v2 is up. The main change is inline replies on mobile.'
	],
	sales: [
		'Signed Fabrikam for 400 seats! 🚀',
		'Renewal call with Contoso went well, they want the compliance export.',
		'Pipeline review at 10:00, please update your opportunities before.',
		'Customer asked whether we support SSO with their identity provider. Who can confirm?',
		'Onboarding session for the new account is booked for Friday.',
		'Three support tickets about notification emails this morning, escalating to engineering.',
		'Quarterly business review deck is in the shared drive.',
		'Great feedback from the pilot: they love working offline on the train.'
	],
	marketing: [
		'The launch blog post is scheduled for Tuesday 09:00.',
		'Newsletter open rate hit 41% last week, best this year.',
		'Brand guidelines v3 are final. Please use the new logo files from now on.',
		'Video shoot for the customer story is on Thursday.',
		'Webinar registrations: 620 so far.',
		'Can someone from product review the feature page copy?'
	],
	operations: [
		'Payroll runs on the 25th as usual.',
		'New laptop order is placed, delivery in two weeks.',
		'Interview loop for the backend role is scheduled, panel invites sent.',
		'Reminder: expense reports for last month are due Friday.',
		'We are updating the parental leave policy; draft is ready for review.',
		'Office plants have been watered. You are welcome. 🌱'
	],
	project: [
		'Kick-off notes are pinned. Goal: ship the beta by the end of the quarter.',
		'Status: backend 80%, design done, QA starts next week.',
		'Risk: the vendor API changes on the 1st. Mitigation in the doc.',
		'Demo went great. Stakeholders asked for one more iteration on the dashboard.',
		'Timeline slipped by three days because of the data migration, still inside the buffer.',
		'Launch checklist is 14 of 18 done.'
	],
	private: [
		'Let us keep the budget discussion here until it is final.',
		'I shared the compensation benchmarks in the folder.',
		'Can we meet tomorrow to align before the leadership sync?'
	],
	dm: [
		'Hey, do you have five minutes?',
		'Thanks for the help earlier!',
		'Lunch today?',
		'Sent you the document, let me know what you think.',
		'Running five minutes late to the meeting.',
		'Can you cover for me at the standup tomorrow?',
		'Great job on the presentation 👏'
	]
};

export const replies = [
	'Good call.',
	'On it.',
	'Thanks, looks good to me.',
	'I will take a look after lunch.',
	'+1',
	'Agreed, let us do that.',
	'Done ✅',
	'Could you add a bit more context?',
	'Nice work!',
	'I had the same problem yesterday.',
	'Let us discuss in the standup.',
	'Shipped.'
];

export const reactionChoices = ['👍', '🎉', '❤️', '😂', '👀', '✅', '🚀', '🙏'];

export function linesFor(kind: string, name: string): string[] {
	if (kind === 'announcements' || kind === 'project' || kind === 'private' || kind === 'dm') {
		return lines[kind]!;
	}
	const lower = name.toLowerCase();
	if (/(engineer|platform|mobile|data)/.test(lower)) return lines.engineering!;
	if (/(product|design)/.test(lower)) return lines.product!;
	if (/(sales|customer)/.test(lower)) return lines.sales!;
	if (/(market|growth|brand)/.test(lower)) return lines.marketing!;
	return lines.operations!;
}
