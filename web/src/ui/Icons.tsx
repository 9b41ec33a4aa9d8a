// Inline SVG icons (no icon font, no emoji font needed); decorative unless labelled by their parent.

const common = { width: 16, height: 16, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", "stroke-width": 2,
  "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true" } as const;

export const EyeIcon = () => (
  <svg {...common} width={14} height={14}><path d="M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12z" /><circle cx="12" cy="12" r="3" /></svg>
);
export const InfoIcon = () => (
  <svg {...common} width={20} height={20}><circle cx="12" cy="12" r="10" /><path d="M12 16v-5M12 8h.01" /></svg>
);
export const ClockIcon = () => (
  <svg {...common} width={13} height={13}><circle cx="12" cy="12" r="9" /><path d="M12 7v5l3 2" /></svg>
);
export const GearIcon = () => (
  <svg {...common} width={20} height={20}><circle cx="12" cy="12" r="3" /><path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" /></svg>
);
export const RoomIcon = () => (
  <svg {...common} width={14} height={14}><path d="M3 11v2a1 1 0 0 0 1 1h2l5 4V6L6 10H4a1 1 0 0 0-1 1zM15.5 8.5a5 5 0 0 1 0 7" /></svg>
);
export const LockIcon = () => (
  <svg {...common}><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></svg>
);
export const GlobeIcon = () => (
  <svg {...common}><circle cx="12" cy="12" r="10" /><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20" /></svg>
);
export const PaperclipIcon = () => (
  <svg {...common} width={22} height={22}><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" /></svg>
);
export const DownloadIcon = () => (
  <svg {...common} width={18} height={18}><path d="M12 3v12M7 10l5 5 5-5M5 21h14" /></svg>
);
export const PlayIcon = () => (
  <svg {...common} width={18} height={18} fill="currentColor"><path d="M7 4l13 8-13 8z" /></svg>
);
export const PauseIcon = () => (
  <svg {...common} width={18} height={18} fill="currentColor"><path d="M7 4h3v16H7zM14 4h3v16h-3z" /></svg>
);
export const FileIcon = () => (
  <svg {...common} width={28} height={28}><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" /><path d="M14 2v6h6" /></svg>
);
export const RetryIcon = () => (
  <svg {...common} width={16} height={16}><path d="M3 12a9 9 0 1 0 3-6.7L3 8" /><path d="M3 3v5h5" /></svg>
);
export const SearchIcon = () => (
  <svg {...common} width={18} height={18}><circle cx="11" cy="11" r="7" /><path d="M21 21l-4.3-4.3" /></svg>
);
export const StarIcon = () => (
  <svg {...common} width={18} height={18}><path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z" /></svg>
);
export const MoreIcon = () => (
  <svg {...common} width={20} height={20} fill="currentColor"><circle cx="12" cy="5" r="1.6" /><circle cx="12" cy="12" r="1.6" /><circle cx="12" cy="19" r="1.6" /></svg>
);
export const ChevronIcon = () => (
  <svg {...common} width={16} height={16}><path d="M6 9l6 6 6-6" /></svg>
);
export const TimerIcon = () => (
  <svg {...common} width={14} height={14}><circle cx="12" cy="13" r="8" /><path d="M12 9v4l2 2M10 2h4" /></svg>
);
export const PinIcon = () => (
  <svg {...common} width={14} height={14}><path d="M9 3h6l-1 6 4 4H6l4-4zM12 13v8" /></svg>
);
export const MutedIcon = () => (
  <svg {...common} width={14} height={14}><path d="M13.7 21a2 2 0 0 1-3.4 0M18 8a6 6 0 0 0-9.3-5M6.3 6.3A6 6 0 0 0 6 8c0 7-3 9-3 9h14M2 2l20 20" /></svg>
);
export const ArchiveIcon = () => (
  <svg {...common} width={16} height={16}><rect x="3" y="4" width="18" height="4" rx="1" /><path d="M5 8v11a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8M10 12h4" /></svg>
);
export const ContactsIcon = () => (
  <svg {...common} width={20} height={20}><circle cx="9" cy="8" r="4" /><path d="M2 21a7 7 0 0 1 14 0M16 4a4 4 0 0 1 0 8M22 21a7 7 0 0 0-4-6.3" /></svg>
);
// The sidebar's toolbar (22 px, as WhatsApp Web's header icons).
export const NewChatIcon = () => (
  <svg {...common} width={22} height={22}><path d="M21 12a8.5 8.5 0 0 1-12.6 7.4L3 21l1.6-5.2A8.5 8.5 0 1 1 21 12z" /><path d="M12.5 8.5v7M9 12h7" /></svg>
);
export const NewGroupIcon = () => (
  <svg {...common} width={22} height={22}><circle cx="9" cy="8" r="3.5" /><path d="M2.5 20a6.5 6.5 0 0 1 13 0M19 8v6M16 11h6" /></svg>
);
export const RoomsIcon = () => (
  <svg {...common} width={22} height={22}><path d="M3 10.5v3a1 1 0 0 0 1 1h2.5L13 19V5L6.5 9.5H4a1 1 0 0 0-1 1zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" /></svg>
);
