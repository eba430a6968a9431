import {
  AgentStatusIndicator,
  CameraGrid,
  ConnectButton,
  CustomTokenSessionProvider,
  ErrorNotice,
  TokenStatusView,
  type AgentStatusIndicatorProps,
  type CameraGridLabels,
  type ConnectButtonProps,
  type ErrorNoticeProps,
  type TokenStatusViewLabels,
  type TokenTimeLeft,
} from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

// Every text the components show or read out, in Hebrew. The stylesheet follows the page's direction.
const CONNECT: ConnectButtonProps['labels'] = {
  disconnected: 'הצטרפות',
  connecting: 'ביטול ההצטרפות',
  connected: 'יציאה',
  disconnecting: 'יוצאים…',
};

const AGENT: AgentStatusIndicatorProps['labels'] = {
  connecting: 'ממתינים לסוכן…',
  'pre-connect-buffering': 'מקשיב — הסוכן מצטרף…',
  initializing: 'הסוכן מתכונן…',
  idle: 'הסוכן ממתין',
  listening: 'הסוכן מקשיב',
  thinking: 'הסוכן חושב…',
  speaking: 'הסוכן מדבר',
  failed: 'הסוכן לא בשיחה',
};

const ERRORS: ErrorNoticeProps['titles'] = {
  invalid_options: 'השיחה לא הוגדרה כראוי',
  generator_failed: 'לא ניתן לקבל גישה לשיחה',
  timeout: 'קבלת הגישה לשיחה ארכה יותר מדי',
  aborted: 'ההצטרפות בוטלה',
  http: 'לא ניתן לקבל גישה לשיחה',
  invalid_response: 'אסימון הגישה אינו שמיש',
  expired: 'תוקף אסימון הגישה פג',
  mismatch: 'אסימון הגישה שייך לשיחה אחרת',
  connection_failed: 'לא ניתן להתחבר לשיחה',
  media_failed: 'לא ניתן להפעיל את המצלמה, המיקרופון או שיתוף המסך',
  agent_failed: 'הסוכן לא בשיחה',
  disconnected: 'השיחה התנתקה',
};

const CAMERAS: CameraGridLabels = { you: '(את/ה)', agent: 'סוכן', camera: (name) => `המצלמה של ${name}` };

/** "שעה אחת", "2 דקות": a unit in Hebrew, singular or plural. */
const count = (value: number, one: string, many: string) => (value === 1 ? one : `${value} ${many}`);

const TOKEN: TokenStatusViewLabels = {
  region: 'מצב האסימון',
  idle: 'אין עדיין אסימון',
  fetching: 'מביאים אסימון',
  ready: 'האסימון מוכן',
  error: 'שגיאה באסימון',
  expired: 'תוקף האסימון פג',
  code: 'קוד',
  identity: 'זהות',
  room: 'חדר',
  grants: 'הרשאות',
  expires: 'תפוגה',
  expiresIn: ({ clock }) => `בעוד ${clock}`,
  expiresInSpoken: ({ hours, minutes, seconds }: TokenTimeLeft) => {
    const parts = [
      hours > 0 && count(hours, 'שעה', 'שעות'),
      minutes > 0 && count(minutes, 'דקה', 'דקות'),
      seconds > 0 && count(seconds, 'שנייה', 'שניות'),
    ].filter(Boolean);
    return parts.length > 0 ? `בעוד ${parts.join(' ו')}` : 'בעוד פחות משנייה';
  },
  noTimeLeft: 'פג',
};

/** A call page in Hebrew, right to left: the same components, every text of theirs in the app's words. */
export function CallPageHebrew() {
  return (
    <CustomTokenSessionProvider
      tokenEndpoint="/api/livekit-token"
      roomName="ישיבת-צוות"
      participantName="נועה"
      agentName="helper"
      freshRoomPerSession
      camera
    >
      <section className="call" aria-label="שיחה" dir="rtl" lang="he">
        <header className="call-header">
          <h1 className="call-title">ישיבת צוות · עם העוזר</h1>
          <AgentStatusIndicator labels={AGENT} />
          <ConnectButton labels={CONNECT} />
        </header>
        <ErrorNotice titles={ERRORS} retryLabel="נסו שוב" />
        <div className="call-main">
          <CameraGrid label="מצלמות" labels={CAMERAS} emphasizeAgent empty={<p className="call-empty">הצטרפו כדי לראות את השיחה.</p>} />
          <TokenStatusView labels={TOKEN} retryLabel="הבאת האסימון שוב" refreshLabel="אסימון חדש" />
        </div>
      </section>
    </CustomTokenSessionProvider>
  );
}
