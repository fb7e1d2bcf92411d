// Answers an invite (iCalendar on stdin) the way Thunderbird's calendar does: Mozilla's
// ical.js reads it, the answer is set on our attendee, and ical.js writes the REPLY.
// Usage: node ical_reply.cjs PARTSTAT < invite.ics
"use strict";
const path = require("path");
const loaded = require(path.join(__dirname, "node_modules", "ical.js"));
const ICAL = loaded.default || loaded;

const partstat = process.argv[2] || "DECLINED";
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const invite = new ICAL.Component(ICAL.parse(input));
  const reply = new ICAL.Component("vcalendar");
  reply.addPropertyWithValue("prodid", "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN");
  reply.addPropertyWithValue("version", "2.0");
  reply.addPropertyWithValue("method", "REPLY");
  const asked = invite.getFirstSubcomponent("vevent");
  const answer = new ICAL.Component("vevent");
  answer.addPropertyWithValue("created", ICAL.Time.now());
  answer.addPropertyWithValue("last-modified", ICAL.Time.now());
  answer.addPropertyWithValue("dtstamp", ICAL.Time.now());
  for (const name of ["uid", "summary", "organizer", "dtstart", "dtend", "sequence"]) {
    const property = asked.getFirstProperty(name);
    if (property) answer.addProperty(ICAL.Property.fromString(property.toICALString()));
  }
  const attendee = ICAL.Property.fromString(asked.getFirstProperty("attendee").toICALString());
  attendee.setParameter("partstat", partstat);
  attendee.removeParameter("role");
  answer.addProperty(attendee);
  reply.addSubcomponent(answer);
  process.stdout.write(reply.toString());
});
