import sharp from 'sharp';
import type { AppContext } from '#server/app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { UploadedFile } from '#shared/files/files.schema.ts';

/**
 * Images and documents for the demo's conversations, made here (nothing downloaded): pictures
 * drawn as SVG and rendered by sharp, a small PDF written by hand. They go up through the
 * FileService, as a person's upload would (type from the content, thumbnails, the file record).
 */

export interface DemoFile {
	name: string;
	text: string;
	make: () => Promise<Uint8Array>;
}

/** A landscape picture: sky, hills and a sun, in the given colours. */
function picture(
	width: number,
	height: number,
	sky: [string, string],
	hills: string[],
	sun: string
) {
	const layers = hills
		.map((colour, index) => {
			const base = height * (0.55 + index * 0.12);
			const amp = height * (0.08 + index * 0.03);
			return `<path fill="${colour}" d="M0 ${base} C ${width * 0.25} ${base - amp}, ${width * 0.55} ${base + amp}, ${width} ${base - amp / 2} L ${width} ${height} L 0 ${height} Z"/>`;
		})
		.join('');
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
		<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">
			<stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/>
		</linearGradient></defs>
		<rect width="100%" height="100%" fill="url(#s)"/>
		<circle cx="${width * 0.72}" cy="${height * 0.3}" r="${height * 0.11}" fill="${sun}"/>
		${layers}
	</svg>`;
	return async () => new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer());
}

/** A bar chart, as someone would share a screenshot of a dashboard. */
function chart(width: number, height: number, values: number[], accent: string) {
	const gap = width / (values.length * 2 + 1);
	const bars = values
		.map((value, index) => {
			const barHeight = value * height * 0.7;
			return `<rect x="${gap + index * gap * 2}" y="${height * 0.85 - barHeight}" width="${gap}" height="${barHeight}" rx="6" fill="${accent}"/>`;
		})
		.join('');
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
		<rect width="100%" height="100%" fill="#ffffff"/>
		<rect x="0" y="0" width="100%" height="${height * 0.1}" fill="#eef0ff"/>
		<line x1="${gap / 2}" y1="${height * 0.85}" x2="${width - gap / 2}" y2="${height * 0.85}" stroke="#5b6478" stroke-width="3"/>
		${bars}
	</svg>`;
	return async () => new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** A one-page PDF with a title and a few lines, its cross-reference table computed. */
export function pdf(title: string, lines: string[]): () => Promise<Uint8Array> {
	return async () => {
		const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
		const content = [
			'BT /F1 22 Tf 72 740 Td',
			`(${escape(title)}) Tj`,
			'/F1 12 Tf 0 -36 Td',
			...lines.map((line) => `(${escape(line)}) Tj 0 -18 Td`),
			'ET'
		].join('\n');
		const objects = [
			'<< /Type /Catalog /Pages 2 0 R >>',
			'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
			'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
			`<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
			'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
		];
		let body = '%PDF-1.4\n';
		const offsets: number[] = [];
		objects.forEach((object, index) => {
			offsets.push(body.length);
			body += `${index + 1} 0 obj\n${object}\nendobj\n`;
		});
		const xref = body.length;
		body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
		for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
		body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
		return new TextEncoder().encode(body);
	};
}

/** What the demo shares, in turn across the conversations that get files. */
export const demoFiles: DemoFile[] = [
	{
		name: 'Offsite-venue.jpg',
		text: 'Photos from the offsite venue visit — the terrace is ours for the afternoon.',
		make: picture(1600, 1067, ['#7dd3fc', '#e0f2fe'], ['#4d7c0f', '#365314', '#1a2e05'], '#fde68a')
	},
	{
		name: 'Q3-roadmap.pdf',
		text: 'The Q3 roadmap as agreed on Monday, for reference.',
		make: pdf('Q3 roadmap', [
			'1. Ship the new onboarding flow',
			'2. Voice messages and file sharing',
			'3. Faster search across all conversations',
			'Owners and dates are in the planning board.'
		])
	},
	{
		name: 'Weekly-signups.png',
		text: 'Sign-ups per week since the launch: steady climb.',
		make: chart(1200, 700, [0.3, 0.42, 0.38, 0.55, 0.61, 0.7, 0.78, 0.92], '#4f46e5')
	},
	{
		name: 'Sunset-at-the-harbour.jpg',
		text: 'View from the new office at the end of the day.',
		make: picture(1200, 1600, ['#f97316', '#fde68a'], ['#7c2d12', '#431407'], '#fef3c7')
	},
	{
		name: 'Incident-review-notes.pdf',
		text: 'Notes from the incident review, with the follow-ups.',
		make: pdf('Incident review', [
			'Timeline: alert at 09:12, mitigated at 09:40.',
			'Cause: a configuration change without a canary.',
			'Follow-ups: canary every config change; page the owner.'
		])
	},
	{
		name: 'Budget-by-team.png',
		text: 'Budget by team for next quarter.',
		make: chart(1000, 640, [0.8, 0.5, 0.65, 0.35, 0.45], '#0f766e')
	}
];

/** Uploads one demo file as `author` into the channel; the answer a message carries. */
export async function uploadDemoFile(
	ctx: AppContext,
	author: SessionUser,
	channelId: string,
	file: DemoFile
): Promise<UploadedFile> {
	const bytes = await file.make();
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(bytes);
			controller.close();
		}
	});
	return ctx.files.upload(
		author,
		channelId,
		{ name: file.name, voice: 'false' },
		body,
		bytes.length
	);
}
