/** The chart thread (chart-renderer.ts): draws the chart it is sent and answers with it. */
import { parentPort } from 'node:worker_threads';
import { type ChartSpec, drawChart } from './chart.ts';

parentPort?.on('message', async (spec: ChartSpec) => {
  try {
    const { svg, png } = await drawChart(spec);
    parentPort?.postMessage({ svg, png });
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
