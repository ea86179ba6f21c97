import { handle } from '$lib/server/http/endpoint.ts';
import * as channels from '$lib/server/channels/channel.endpoints.ts';

export const DELETE = handle(channels.removeChannelMember);
