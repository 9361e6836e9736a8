/** The one place the process environment is read; everything else receives it as an argument. */
export const processEnv = (): Readonly<Record<string, string | undefined>> => process.env;
