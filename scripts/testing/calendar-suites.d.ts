export declare const calendarSuites: (root: string) => string[];
export declare const hasFaketime: () => boolean;
