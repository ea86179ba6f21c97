/**
 * The app shell the service worker serves for any page when the network is out of reach:
 * rendered without server data (no load function runs for it), it starts the app in the
 * browser, which then routes to the page asked for with the data the service worker kept.
 */
export const ssr = false;
