/**
 * The base of a class that takes its collaborators as one object and keeps each one, read-only,
 * under the name it was given: `class Feed extends Wired<{ feed: FeedRepository }>() {}` has
 * `this.feed`, without a field list and a constructor that say every name twice more. Fields a
 * subclass computes it declares and sets as usual (field initializers see the parts).
 */
export function Wired<Parts extends object>() {
	return class {
		constructor(parts: Parts) {
			Object.assign(this, parts);
		}
	} as unknown as new (parts: Parts) => Readonly<Parts>;
}
