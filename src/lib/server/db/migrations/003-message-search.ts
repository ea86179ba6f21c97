/**
 * Server search folds case and accents the same way the browser does (foldText in
 * src/lib/shared/search/query.ts), so the folded text is written by the application.
 */
export default `
alter table messages drop column search;
alter table messages add column folded text not null default '';
create index messages_folded_search on messages using gin (to_tsvector('simple', folded));
`;
