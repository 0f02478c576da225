// The commands' argument loop, without a dependency: `--flag value`, `--flag=value`, and words.

/**
 * Walks `args`: each `--flag` goes to `onFlag` with a `value()` that takes its value (inline after
 * `=`, else the next argument; a missing one throws with `usage`); any other word to `onWord`.
 */
export function readArguments(
  args: readonly string[], usage: string, onFlag: (flag: string, value: () => string) => void, onWord?: (word: string) => void,
): void {
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const given = inline ?? args[++i];
      if (given === undefined || given.startsWith('--')) throw new Error(`${flag} needs a value\n${usage}`);
      return given;
    };
    if (flag.startsWith('--') || !onWord) onFlag(flag, value);
    else onWord(args[i]);
  }
}
