// The charlm agreement suite, run on one backend: the step-1 loss and the validation bits per character
// after 300 steps against the twin's committed numbers, and against the twin run now for a few steps.
import { describe, expect, it } from 'vitest';
import { REQUIRE_TOOLS, runTwin, twinMissing } from './charlm-twin.js';
import { ADAMW_BY_LR, relative, trainOn, twinFixture, VARIANTS } from './charlm-run.js';

/** Steps of the twin run inside the test: enough for the schedule's warm-up and decay to matter. */
const LIVE_STEPS = 20;

export function charLmAgreement(backend: string, device: GPUDevice | undefined): void {
  const lrs = [...ADAMW_BY_LR.keys()];
  const programs = [...ADAMW_BY_LR.values()];

  for (const variant of VARIANTS) {
    describe(`${variant.name} on ${backend}`, () => {
      it('matches the twin: step-1 loss to 1e-4, validation bits/char after 300 steps to 1% (AdamW, LR 0.003 and 0.001)', async () => {
        const twin = twinFixture(variant);
        const ours = await trainOn(device, programs, { steps: 300, transformer: variant.transformer });
        lrs.forEach((lr, k) => {
          const row = twin.find((r) => r.lr === lr && r.opt === 'adamw')!;
          expect(row.steps).toBe(300);
          expect(relative(ours[k]!.firstLoss!, row.first_loss)).toBeLessThan(1e-4);
          expect(relative(ours[k]!.bitsPerChar, row.val_bpc)).toBeLessThan(0.01);
          expect(ours[k]!.divergedAt).toBeUndefined();
        });
      }, 1_800_000);
    });
  }

  const missing = twinMissing();
  describe.skipIf(missing !== undefined && !REQUIRE_TOOLS)(`against the twin run now on ${backend}${missing ? ` (skipped: ${missing})` : ''}`, () => {
    for (const variant of VARIANTS) {
      it(`${variant.name}: ${LIVE_STEPS} steps agree`, async () => {
        expect(missing).toBeUndefined();
        const twin = runTwin(['--steps', String(LIVE_STEPS), '--opt', 'adamw', '--lrs', lrs.join(','), '--threads', '1', ...variant.twinArgs]);
        const ours = await trainOn(device, programs, { steps: LIVE_STEPS, transformer: variant.transformer });
        lrs.forEach((lr, k) => {
          const row = twin.find((r) => r.lr === lr)!;
          expect(relative(ours[k]!.firstLoss!, row.first_loss)).toBeLessThan(1e-4);
          expect(relative(ours[k]!.bitsPerChar, row.val_bpc)).toBeLessThan(0.01);
        });
      }, 1_800_000);
    }
  });
}
