// Returns far more data than the result cap allows.
export function run(count) {
  const rows = [];
  for (let i = 0; i < count; i++) rows.push({ id: i, label: `row-${i}`, values: [i, i * 2, i * 3] });
  return rows;
}
