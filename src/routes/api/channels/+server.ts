import { handle } from '$lib/server/http/endpoint.ts';
import * as channels from '$lib/server/channels/channel.endpoints.ts';

export const GET = handle(channels.listChannels);
export const POST = handle(channels.createChannel);
