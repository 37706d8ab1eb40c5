// Runs the store contract against a real SQL Server when MSSQL_URL is set (it cannot run on the
// development machines). Uses random CNPJs, so a shared test database can be reused between runs;
// the database must have been created with TEST_MASTER_KEY (or be empty).
import { openStore } from '../../src/store';
import { runStoreContract } from './store.contract';

const url = process.env.MSSQL_URL;

if (url) {
  runStoreContract('mssql', {
    durable: true,
    makeHarness: () => ({ open: (secrets) => openStore({ kind: 'mssql', url }, secrets) }),
  });
} else {
  describe.skip('Store contract: mssql (skipped: set MSSQL_URL to run against SQL Server)', () => {
    it('needs MSSQL_URL', () => undefined);
  });
}
