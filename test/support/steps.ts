// Scenario tests: each step is a test that first runs the steps declared before it (once each), so a
// step passes alone (`-t`) and in any order.

/** A new chain of steps: each step declared builds on the one before. */
export function scenarioSteps(): (name: string, body: () => Promise<void>) => void {
  let previous: (() => Promise<void>) | undefined;
  return (name, body) => {
    const before = previous;
    let run: Promise<void> | undefined;
    const reach = (): Promise<void> => (run ??= (async () => {
      await before?.();
      await body();
    })());
    previous = reach;
    test(name, reach);
  };
}
