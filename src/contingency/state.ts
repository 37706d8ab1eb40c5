// Per-scope contingency state (contingency-and-numbering.md §2): a scope is (tpAmb, UF, model). This
// minimal version records the entry (cause and detecting document) so that later documents of the
// scope stay away from the normal authorizer; probes, SVC/EPEC routing and the exit come next.
import type { ContingencyScope, Store } from '../store/port';
import { processScope, type LogScope } from '../log/logger';

export type { ContingencyScope };

export class ContingencyState {
  constructor(private readonly store: Store, private readonly clock: () => Date = () => new Date()) {}

  async isInContingency(scope: ContingencyScope): Promise<boolean> {
    return (await this.store.getContingency(scope))?.state === 'contingency';
  }

  /**
   * Persists the switch before the caller answers. Only the first detecting document is recorded
   * (`ifState: 'normal'`), so concurrent failures do not overwrite the cause.
   */
  async enterContingency(scope: ContingencyScope, cause: string, documentId?: string, log: LogScope = processScope): Promise<void> {
    const entered = await this.store.setContingency(
      scope,
      { state: 'contingency', since: this.clock(), cause, detectingDocumentId: documentId ?? null, probeFailures: 0 },
      { ifState: 'normal' },
    );
    if (entered) log.warn('contingência: entrada', { scope: `${scope.tpAmb}/${scope.uf}/${scope.model}`, cause });
  }
}
