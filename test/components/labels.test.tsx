import { act, render, screen, waitFor, within } from '@testing-library/react';
import { ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CameraGrid } from '../../src/components/CameraGrid';
import { TokenStatusView, type TokenStatusViewLabels } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { spokenText } from '../helpers/a11y';
import { playableVideo } from '../helpers/media';
import { joinRemote, publishCamera, roomWithoutServer, subscribeCamera, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from '../providers/render';

afterEach(() => {
  vi.useRealTimers();
});

/** Every text a user meets in `element`: what is drawn or read, and the accessible names given by `aria-label`. */
function allText(element: Element): string {
  const labels = [element, ...element.querySelectorAll('[aria-label]')].map((node) => node.getAttribute('aria-label') ?? '');
  return [element.textContent ?? '', ...labels].join('\n');
}

describe('CameraGrid in another language (labels)', () => {
  it('shows your tile, an agent without a name and a video by the texts it is given, none of its English ones', async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator({ name: 'Hedy' }), room, roomName: 'standup', participantName: 'Hedy', microphone: false },
      {
        children: <CameraGrid label="מצלמות" labels={{ you: '(את/ה)', agent: 'סוכן', camera: (name) => `המצלמה של ${name}` }} />,
      },
    );
    await settle(() => session().start());
    for (const person of [
      joinRemote(room, 'agent-AJ_Dw47d7ChZryK', { kind: ParticipantKind.AGENT }),
      joinRemote(room, 'dana', { name: 'דנה' }),
    ]) {
      subscribeCamera(room, person, publishCamera(room, person));
    }

    const grid = await screen.findByRole('list', { name: 'מצלמות' });
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(3));
    expect(within(grid).getByLabelText('המצלמה של דנה').tagName).toBe('VIDEO');
    expect(within(grid).getByLabelText('המצלמה של סוכן').tagName).toBe('VIDEO');
    const mine = grid.querySelector('[data-local]')!;
    expect(spokenText(mine).trim()).toMatch(/\(את\/ה\)$/);
    expect(allText(grid)).not.toMatch(/\(you\)|Agent|'s camera/);
  });
});

describe('labels with a key left undefined (a translation lookup that found nothing)', () => {
  it('CameraGrid keeps the English text of that key, and a tile with video renders', async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator({ name: 'Hedy' }), room, roomName: 'standup', participantName: 'Hedy', microphone: false },
      { children: <CameraGrid labels={{ you: undefined, agent: undefined, camera: undefined }} /> },
    );
    await settle(() => session().start());
    const dana = joinRemote(room, 'dana', { name: 'Dana' });
    subscribeCamera(room, dana, publishCamera(room, dana));
    const grid = await screen.findByRole('list', { name: 'Cameras' });
    await waitFor(() => expect(within(grid).getByLabelText("Dana's camera").tagName).toBe('VIDEO'));
    expect(spokenText(grid.querySelector('[data-local]')!).trim()).toMatch(/\(you\)$/);
  });

  it('TokenStatusView keeps the English text of that key: its region name, fields and countdown', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    const source = createCustomTokenSource(tokenGenerator({ identity: 'alice', ttl: 65 }), { retries: 0 });
    render(
      <TokenStatusView
        source={source}
        labels={{ region: undefined, identity: undefined, expiresIn: undefined, expiresInSpoken: undefined }}
      />,
    );
    const view = screen.getByRole('region', { name: 'Token status' });
    await act(() => source.fetch({ roomName: 'standup' }));
    expect(within(view).getByText('Identity').tagName).toBe('DT');
    expect(view.querySelector('time [aria-hidden]')?.textContent).toMatch(/^in 1:0[45]$/);
  });
});

describe('TokenStatusView in another language (labels)', () => {
  const hebrew: TokenStatusViewLabels = {
    region: 'מצב האסימון',
    idle: 'אין עדיין אסימון',
    fetching: 'מביא אסימון',
    ready: 'האסימון מוכן',
    error: 'שגיאה באסימון',
    expired: 'פג תוקף האסימון',
    code: 'קוד',
    identity: 'זהות',
    room: 'חדר',
    grants: 'הרשאות',
    expires: 'תפוגה',
    expiresIn: ({ clock }) => `בעוד ${clock}`,
    expiresInSpoken: ({ hours, minutes, seconds }) => `בעוד ${hours} שעות ${minutes} דקות ${seconds} שניות`,
    noTimeLeft: 'פג',
  };

  it('shows its region, status, fields and countdown by the texts it is given, none of its English ones', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    const source = createCustomTokenSource(tokenGenerator({ identity: 'alice', ttl: 3_725 }), { retries: 0 });
    render(<TokenStatusView source={source} labels={hebrew} />);
    const view = screen.getByRole('region', { name: 'מצב האסימון' });
    expect(within(view).getByRole('status').textContent).toBe('אין עדיין אסימון');

    await act(() => source.fetch({ roomName: 'standup' }));
    expect(within(view).getByRole('status').textContent).toBe('האסימון מוכן');
    for (const field of ['זהות', 'חדר', 'הרשאות', 'תפוגה']) expect(within(view).getByText(field).tagName).toBe('DT');
    expect(view.querySelector('time [aria-hidden]')?.textContent).toMatch(/^בעוד 1:02:0[45]$/);
    expect(spokenText(view.querySelector('time')!)).toMatch(/^בעוד 1 שעות 2 דקות [45] שניות$/);
    expect(allText(view)).not.toMatch(/Token|Identity|Room|Grants|Expires|\bin\b|second|minute|hour/);
  });

  it('names the code of an error by the text it is given', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    const generator = tokenGenerator({ identity: 'alice', ttl: 120 });
    const source = createCustomTokenSource(generator, { retries: 0 });
    render(<TokenStatusView source={source} labels={hebrew} retryLabel="נסו שוב" refreshLabel="אסימון חדש" />);
    const view = screen.getByRole('region', { name: 'מצב האסימון' });

    generator.mockRejectedValueOnce(new Error('שירות האסימונים לא זמין'));
    await act(() => source.fetch({ roomName: 'standup' }).catch(() => {}));
    expect(within(view).getByRole('status').textContent).toContain('שגיאה באסימון');
    expect(within(view).getByText('קוד').tagName).toBe('DT');
    expect(allText(view)).not.toMatch(/Token|Code|Identity|Room|Grants|Expires/);
  });

  it('says the token expired, in the status line and the countdown, by the texts it is given', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    const source = createCustomTokenSource(tokenGenerator({ identity: 'alice', ttl: 10 }), { retries: 0 });
    render(<TokenStatusView source={source} labels={hebrew} refreshLabel="אסימון חדש" />);
    const view = screen.getByRole('region', { name: 'מצב האסימון' });
    await act(() => source.fetch({ roomName: 'standup' }));
    // In a call: no refresh ahead, the token in hand runs out.
    source.setConnected(true);
    await act(() => vi.advanceTimersByTimeAsync(11_000));

    expect(within(view).getByRole('status').textContent).toBe('פג תוקף האסימון');
    expect(view.querySelector('time')?.textContent).toBe('פג');
    expect(within(view).getByRole('button', { name: 'אסימון חדש' })).toBeTruthy();
    expect(allText(view)).not.toMatch(/Token|expired/);
  });
});
