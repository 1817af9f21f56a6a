// awaitingConfirmation.waitingForDevice: the Guardian QR code of a push enrollment, and the wait
// for the phone. The chart polls by itself; this screen only says what is going on.
import { h } from '../dom.js';
import { qrSvg } from '../qr.js';
import type { ViewFactory } from './view.js';

export const enrollPushView: ViewFactory = (view, context) => {
  const qrSlot = h('div', { class: 'qr-slot' }, 'Drawing the QR code…');
  const barcodeUri = view.enrollment?.factor === 'push' ? view.enrollment.barcodeUri : null;
  if (barcodeUri) {
    qrSvg(barcodeUri, 'QR code to scan with the Auth0 Guardian app')
      .then((qr) => qrSlot.replaceChildren(qr))
      .catch(() => qrSlot.replaceChildren('The QR code could not be drawn.'));
  }
  const title = h('h2', { id: 'enroll-push-title', tabindex: -1 }, 'Scan with the Auth0 Guardian app');
  const root = h(
    'section',
    { 'aria-labelledby': 'enroll-push-title', 'data-testid': 'enroll-push' },
    title,
    h('p', {}, 'Open Guardian on your phone, add an account and scan this code. This page goes on by itself once the phone is set up.'),
    qrSlot,
    h('p', { role: 'status', 'data-testid': 'push-waiting' }, 'Waiting for your phone…'),
    context.config.emulatedPhone ? h('p', { class: 'hint' }, 'On the emulator: press “Scan” in the emulated phone beside the chart.') : null,
  );
  return { root, initialFocus: title };
};
