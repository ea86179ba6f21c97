/**
 * The summary thread's entry (see summary-thread.ts). Node runs it as TypeScript (type
 * stripping): it imports only the summarizer's own plain modules and the thread's entry side.
 */
import { serveRequests } from '../../threads/thread-entry.ts';
import { summarizeExtractive } from './extractive.ts';

serveRequests(summarizeExtractive);
