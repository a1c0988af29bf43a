// The stored body of an smtp delivery: the whole message, built when it is planned.
export interface SmtpAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** The stored body of an smtp delivery. */
export interface SmtpMessageBody {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments: SmtpAttachment[];
}
