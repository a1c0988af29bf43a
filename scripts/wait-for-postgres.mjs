// Waits up to 30 s for the PostgreSQL the tests use (TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test); exits 1 with the reason if it never answers.
import pg from 'pg';

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const end = Date.now() + 30_000;
for (;;) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
    break;
  } catch (err) {
    await client.end().catch(() => {});
    if (Date.now() > end) {
      console.error(`PostgreSQL is not reachable at ${url}: ${err.message}. The PostgreSQL store's tests need it (set TEST_DATABASE_URL).`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
