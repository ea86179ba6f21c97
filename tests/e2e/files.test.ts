import { deflateSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from './support/test.ts';
import {
	createOrganization,
	founderAndTeam,
	joinOrganization,
	launchCrewPair
} from './support/people.ts';
import { controlledByServiceWorker, message, openChannel } from './support/chat.ts';

// What the service worker does is part of what this file tests (playwright.config.ts blocks it).
test.use({ serviceWorkers: 'allow' });

/**
 * Issue 15, files as Slack and Telegram users expect: A drops three images, a PDF and a DOCX
 * onto the conversation, watches their uploads, cancels one and sends; B sees the images inline,
 * steps through them in the viewer and downloads the PDF; someone outside the conversation gets
 * 404 for the same file.
 */

const SHOTS = 'test-results/files';

// ---- Small real files, made here ---------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** A ZIP of stored (uncompressed) entries: enough for a DOCX that file-type recognises. */
function zip(entries: Record<string, string>): Buffer {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const [name, text] of Object.entries(entries)) {
		const nameBytes = Buffer.from(name, 'utf8');
		const data = Buffer.from(text, 'utf8');
		const crc = crc32(data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		// From "version needed" to the name's length, the directory repeats the local header.
		local.copy(central, 6, 4, 30);
		central.writeUInt32LE(offset, 42);
		locals.push(local, nameBytes, data);
		centrals.push(central, nameBytes);
		offset += local.length + nameBytes.length + data.length;
	}
	const directory = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(centrals.length / 2, 8);
	end.writeUInt16LE(centrals.length / 2, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, directory, end]);
}

/** A real PNG of one colour (zlib from Node; the server decodes and re-encodes it). */
function solidPng(width: number, height: number): Buffer {
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body));
		return Buffer.concat([length, body, crc]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bits per sample
	header[9] = 2; // RGB
	const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
	const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', pixels),
		chunk('IEND', Buffer.alloc(0))
	]);
}

const DOCX = zip({
	'[Content_Types].xml':
		'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
	'word/document.xml':
		'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Plan</w:t></w:r></w:p></w:body></w:document>'
});

const PDF = Buffer.from(
	'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
);

/**
 * Drops files on the conversation as a person's drag does: the page builds them (images drawn
 * on a canvas; a noisy one is large, to watch its progress; a 3,000 px one, to be compressed).
 */
async function dropFiles(page: Page, documents: { name: string; type: string; base64: string }[]) {
	await page.evaluate(async (given) => {
		async function png(width: number, height: number, hue: number, noisy: boolean) {
			const canvas = new OffscreenCanvas(width, height);
			const context = canvas.getContext('2d')!;
			const gradient = context.createLinearGradient(0, 0, width, height);
			gradient.addColorStop(0, `hsl(${hue} 80% 60%)`);
			gradient.addColorStop(1, `hsl(${hue + 60} 70% 35%)`);
			context.fillStyle = gradient;
			context.fillRect(0, 0, width, height);
			if (noisy) {
				const pixels = context.getImageData(0, 0, width, height);
				for (let i = 0; i < pixels.data.length; i += 4) {
					pixels.data[i] = Math.random() * 255;
					pixels.data[i + 1] = Math.random() * 255;
				}
				context.putImageData(pixels, 0, 0);
			}
			return canvas.convertToBlob({ type: 'image/png' });
		}
		const files = [
			new File([await png(640, 480, 200, false)], 'harbour.png', { type: 'image/png' }),
			new File([await png(900, 700, 20, true)], 'noise.png', { type: 'image/png' }),
			new File([await png(3000, 2000, 120, false)], 'panorama.png', { type: 'image/png' }),
			...given.map(
				(file) =>
					new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, {
						type: file.type
					})
			)
		];
		const transfer = new DataTransfer();
		for (const file of files) transfer.items.add(file);
		const area = document.querySelector('section.conversation')!;
		area.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }));
		(window as unknown as { pendingDrop: DataTransfer }).pendingDrop = transfer;
	}, documents);
}

async function finishDrop(page: Page) {
	await page.evaluate(() => {
		const transfer = (window as unknown as { pendingDrop: DataTransfer }).pendingDrop;
		const area = document.querySelector('section.conversation')!;
		area.dispatchEvent(
			new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true })
		);
	});
}

async function axeViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page })
		.include('[data-testid="image-viewer"]')
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return results.violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length} nodes)`);
}

test('A drops images and documents, cancels one, sends; B views and downloads; others get 404', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const { ada, bruno } = await launchCrewPair(browser, 'File Harbour');

	// Slow uploads (as on a phone network) so their progress can be watched.
	const network = await ada.context.newCDPSession(ada.page);
	await network.send('Network.enable');
	await network.send('Network.emulateNetworkConditions', {
		offline: false,
		latency: 20,
		downloadThroughput: -1,
		// Slow enough that noise.png (about 1.9 MB) is still on its way after the screenshots of
		// its progress, also on a busy machine where each screenshot takes seconds.
		uploadThroughput: 120 * 1024
	});

	await dropFiles(ada.page, [
		{ name: 'report.pdf', type: 'application/pdf', base64: PDF.toString('base64') },
		{
			name: 'plan.docx',
			type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			base64: DOCX.toString('base64')
		}
	]);
	await expect(ada.page.getByTestId('file-drop-overlay')).toBeVisible();
	await ada.page.screenshot({ path: `${SHOTS}/drop-overlay-1280-light.png` });
	await finishDrop(ada.page);
	await expect(ada.page.getByTestId('file-drop-overlay')).toHaveCount(0);

	const tray = ada.page.getByTestId('tray-item');
	await expect(tray, 'five files in the tray').toHaveCount(5);
	const noise = tray.filter({ hasText: 'noise.png' });
	// Its progress moves, part of the way: the bar reports what was sent.
	await expect
		.poll(async () => Number(await noise.getByTestId('tray-progress').getAttribute('value')), {
			message: 'noise.png progress (%)'
		})
		.toBeGreaterThan(0);
	await ada.page.screenshot({ path: `${SHOTS}/tray-progress-1280-light.png` });
	await ada.page.emulateMedia({ colorScheme: 'dark' });
	await ada.page.screenshot({ path: `${SHOTS}/tray-progress-1280-dark.png` });
	await ada.page.setViewportSize({ width: 390, height: 844 });
	// The sidebar slides away when the layout becomes the phone's.
	await ada.page.waitForTimeout(600);
	await ada.page.screenshot({ path: `${SHOTS}/tray-progress-390-dark.png` });
	await ada.page.emulateMedia({ colorScheme: 'light' });
	await ada.page.screenshot({ path: `${SHOTS}/tray-progress-390-light.png` });
	await ada.page.setViewportSize({ width: 1280, height: 720 });
	expect(await noise.getAttribute('data-status'), 'noise.png still uploading when cancelled').toBe(
		'uploading'
	);
	await noise.getByTestId('tray-remove').click();
	await expect(tray).toHaveCount(4);

	// The 3,000 px image was made smaller in the browser; the original may still be chosen.
	await expect(
		tray.filter({ hasText: 'panorama.webp' }).getByTestId('tray-original')
	).toBeVisible();

	// Enter while files upload: the message waits for them, then goes by itself.
	await ada.page.getByTestId('composer-input').fill('Harbour photos and the plan');
	await ada.page.getByTestId('composer-input').press('Enter');
	const uploading = await tray.evaluateAll(
		(items) => items.filter((item) => item.getAttribute('data-status') !== 'done').length
	);
	if (uploading > 0) await expect(ada.page.getByTestId('tray-waiting')).toBeVisible();
	await network.send('Network.emulateNetworkConditions', {
		offline: false,
		latency: 0,
		downloadThroughput: -1,
		uploadThroughput: -1
	});
	const sent = message(ada.page, 'Harbour photos and the plan');
	await expect(sent).toBeVisible({ timeout: 30_000 });
	await expect(ada.page.getByTestId('file-tray')).toHaveCount(0);
	await expect(ada.page.getByTestId('composer-input')).toHaveValue('');

	// B sees the two images inline and the two documents as cards.
	const received = message(bruno.page, 'Harbour photos and the plan');
	await expect(received).toBeVisible();
	const images = received.getByTestId('attachment-image');
	await expect(images).toHaveCount(2);
	await expect(images.nth(0)).toHaveAttribute('data-name', 'harbour.png');
	await expect(images.nth(1)).toHaveAttribute('data-name', 'panorama.webp');
	// naturalWidth is 0 until an image has loaded: wait for both, then check their size.
	await expect
		.poll(
			() =>
				images.evaluateAll((buttons) =>
					buttons.every((button) => button.querySelector('img')!.naturalWidth > 0)
				),
			{ message: 'the thumbnails loaded (natural widths)' }
		)
		.toBe(true);
	const widths = await images.evaluateAll((buttons) =>
		buttons.map((button) => button.querySelector('img')!.naturalWidth)
	);
	expect(
		widths.every((width) => width > 0 && width <= 480),
		`thumbnail widths ${widths}`
	).toBe(true);
	const documents = received.getByTestId('attachment-document');
	await expect(documents).toHaveCount(2);
	await expect(documents.nth(0)).toContainText('report.pdf');
	await expect(documents.nth(0)).toContainText('PDF');
	await expect(documents.nth(1)).toContainText('plan.docx');
	await expect(documents.nth(1)).toContainText('Word document');

	for (const [width, height] of [
		[1280, 800],
		[390, 844]
	] as const) {
		await bruno.page.setViewportSize({ width, height });
		await bruno.page.waitForTimeout(600);
		for (const scheme of ['light', 'dark'] as const) {
			await bruno.page.emulateMedia({ colorScheme: scheme });
			await received.scrollIntoViewIfNeeded();
			await bruno.page.screenshot({ path: `${SHOTS}/message-${width}-${scheme}.png` });
		}
	}
	await bruno.page.emulateMedia({ colorScheme: 'light' });
	await bruno.page.setViewportSize({ width: 1280, height: 800 });

	// The viewer: the first image, then the next by the arrow key, zoom, Escape gives focus back.
	await images.nth(0).click();
	await expect(bruno.page.getByRole('dialog', { name: 'harbour.png' })).toBeVisible();
	const viewer = bruno.page.getByTestId('image-viewer');
	await expect(viewer.getByTestId('viewer-position')).toHaveText('1 of 2');
	await expect
		.poll(() =>
			viewer.getByTestId('viewer-image').evaluate((img: HTMLImageElement) => img.naturalWidth)
		)
		.toBeGreaterThan(0);
	await bruno.page.keyboard.press('ArrowRight');
	await expect(bruno.page.getByRole('dialog', { name: 'panorama.webp' })).toBeVisible();
	await expect(viewer.getByTestId('viewer-position')).toHaveText('2 of 2');
	// Compressed in A's browser to 2,560 px on the longest side.
	await expect(bruno.page.getByTestId('image-viewer')).toContainText('2560 × 1707');
	await bruno.page.keyboard.press('+');
	await expect(bruno.page.getByTestId('viewer-zoom')).toHaveText('150%');
	await bruno.page.keyboard.press('-');
	await expect(bruno.page.getByTestId('viewer-zoom')).toHaveText('100%');
	await bruno.page.keyboard.press('ArrowLeft');
	await expect(bruno.page.getByTestId('viewer-position')).toHaveText('1 of 2');
	for (const scheme of ['light', 'dark'] as const) {
		await bruno.page.emulateMedia({ colorScheme: scheme });
		await bruno.page.screenshot({ path: `${SHOTS}/viewer-1280-${scheme}.png` });
		const problems = await axeViolations(bruno.page);
		expect(problems, problems.join('\n')).toEqual([]);
	}
	await bruno.page.setViewportSize({ width: 390, height: 844 });
	await bruno.page.screenshot({ path: `${SHOTS}/viewer-390-dark.png` });
	await bruno.page.emulateMedia({ colorScheme: 'light' });
	await bruno.page.screenshot({ path: `${SHOTS}/viewer-390-light.png` });
	await bruno.page.setViewportSize({ width: 1280, height: 800 });
	await bruno.page.keyboard.press('Escape');
	await expect(bruno.page.getByTestId('image-viewer')).toHaveCount(0);
	await expect(images.nth(0), 'focus back on the image that opened the viewer').toBeFocused();

	// B downloads the PDF: the same bytes, under its name.
	const [download] = await Promise.all([
		bruno.page.waitForEvent('download'),
		documents.nth(0).getByTestId('attachment-download').click()
	]);
	expect(download.suggestedFilename()).toBe('report.pdf');
	const path = await download.path();
	const { readFile } = await import('node:fs/promises');
	expect((await readFile(path)).toString('latin1')).toBe(PDF.toString('latin1'));

	// Someone of the organization outside the team's channel: the file does not exist for them.
	const href = await documents.nth(0).getByTestId('attachment-download').getAttribute('href');
	const imageId = await images
		.nth(0)
		.locator('img')
		.evaluate((img: HTMLImageElement) => new URL(img.src).pathname);
	const { joinCode } = (await (await ada.page.request.get('/api/join-code')).json()) as {
		joinCode: string;
	};
	const carol = await joinOrganization(browser, joinCode, 'Carol Outsider');
	expect((await carol.page.request.get(href!)).status(), `non-member GET ${href}`).toBe(404);
	expect((await carol.page.request.get(imageId)).status(), `non-member GET ${imageId}`).toBe(404);
	expect((await bruno.page.request.get(href!)).status(), 'the member still reads it').toBe(200);

	await Promise.all([ada.context.close(), bruno.context.close(), carol.context.close()]);
});

test('an image attached offline waits in the browser, survives a reload, and goes when online', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { founder: ada, bruno } = await founderAndTeam(browser, 'Offline Harbour', 'Ada Lovelace');
	await openChannel(ada.page, 'Launch Crew');
	await controlledByServiceWorker(ada.page);
	await openChannel(ada.page, 'Launch Crew');
	await openChannel(bruno.page, 'Launch Crew');
	// Let the service worker and the local copy keep what they saw.
	await ada.page.waitForTimeout(3_000);

	await ada.context.setOffline(true);
	await expect(ada.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');
	await ada.page.getByTestId('composer-file-input').setInputFiles({
		name: 'offline.png',
		mimeType: 'image/png',
		buffer: solidPng(24, 16)
	});
	const item = ada.page.getByTestId('tray-item').filter({ hasText: 'offline.png' });
	await expect(item).toHaveAttribute('data-status', 'failed');
	await expect(item.getByTestId('tray-error')).toContainText('waits for the connection');
	await ada.page.getByTestId('composer-input').fill('Sent from the tunnel');
	await ada.page.getByTestId('composer-input').press('Enter');
	const waiting = ada.page.getByTestId('outbox-entry');
	await expect(waiting).toHaveCount(1);
	await expect(waiting).toContainText('Sent from the tunnel');
	await expect(waiting).toContainText('offline.png');
	await expect(ada.page.getByTestId('file-tray')).toHaveCount(0);
	await ada.page.screenshot({ path: `${SHOTS}/outbox-1280-light.png` });

	await ada.page.reload();
	await expect(ada.page.getByTestId('offline-banner')).toBeVisible();
	await expect(ada.page.getByTestId('outbox-entry'), 'still waiting after the reload').toHaveCount(
		1
	);

	await ada.context.setOffline(false);
	await expect(ada.page.getByTestId('outbox-entry')).toHaveCount(0, { timeout: 30_000 });
	const received = message(bruno.page, 'Sent from the tunnel');
	await expect(received).toBeVisible({ timeout: 20_000 });
	await expect(received.getByTestId('attachment-image')).toHaveAttribute(
		'data-name',
		'offline.png'
	);
	await expect(message(ada.page, 'Sent from the tunnel')).toHaveAttribute('data-pending', 'false', {
		timeout: 20_000
	});

	await Promise.all([ada.context.close(), bruno.context.close()]);
});

test('pasted files join the message, ten at most; a message may be files alone', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const ada = await createOrganization(browser, 'Paste Harbour', 'Ada Lovelace');
	await openChannel(ada.page, 'Official Announcements');
	await ada.page.getByTestId('composer-input').focus();
	await ada.page.evaluate(() => {
		const transfer = new DataTransfer();
		for (let i = 1; i <= 12; i++) {
			transfer.items.add(new File([`note ${i}\n`], `note-${i}.txt`, { type: 'text/plain' }));
		}
		document
			.querySelector('[data-testid="composer-input"]')!
			.dispatchEvent(
				new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
			);
	});
	const tray = ada.page.getByTestId('tray-item');
	await expect(tray).toHaveCount(10);
	await expect(ada.page.getByTestId('tray-notice')).toHaveText(
		'A message carries at most 10 files: 2 files were not added.'
	);
	await expect(ada.page.getByTestId('composer-input'), 'pasted files are not text').toHaveValue('');
	await expect(tray.and(ada.page.locator('[data-status="done"]'))).toHaveCount(10);
	const problems = (
		await new AxeBuilder({ page: ada.page })
			.include('[data-testid="file-tray"]')
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
			.analyze()
	).violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map((violation) => `${violation.id}: ${violation.help}`);
	expect(problems, problems.join('\n')).toEqual([]);

	for (let i = 2; i <= 10; i++) {
		await ada.page
			.locator(`[data-testid="tray-item"][data-name="note-${i}.txt"]`)
			.getByTestId('tray-remove')
			.click();
	}
	await expect(tray).toHaveCount(1);
	// No text: the files are the message.
	await ada.page.getByTestId('composer-send').click();
	const sent = ada.page
		.getByTestId('message')
		.filter({ has: ada.page.getByTestId('attachment-document') });
	await expect(sent.getByTestId('attachment-document')).toHaveAttribute('data-name', 'note-1.txt');
	await expect(sent).toHaveAttribute('data-pending', 'false');
	await ada.context.close();
});
