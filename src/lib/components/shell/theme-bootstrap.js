/**
 * Runs in <head> before the first paint so a stored choice never flashes the other theme.
 * Kept in sync with `ThemePreference.apply` in theme.svelte.ts. A plain module because the
 * Content-Security-Policy (svelte.config.js) allows exactly this script by its hash.
 */
export const THEME_STORAGE_KEY = 'cf-theme';

export const themeBootstrapScript = `(function(){try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t==='light'||t==='dark'){document.documentElement.dataset.theme=t}}catch(e){}})();`;
