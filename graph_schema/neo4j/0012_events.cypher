// Event matchmaking (issue 15): meetings and slot bookings.
// A SlotBooking's id names (event, slot, person or table); its uniqueness constraint is what
// makes "nobody is booked twice in a slot" atomic when two answers arrive at once.
CREATE CONSTRAINT meeting_id IF NOT EXISTS FOR (n:Meeting) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT slot_booking_id IF NOT EXISTS FOR (n:SlotBooking) REQUIRE n.id IS UNIQUE;
CREATE INDEX meeting_event IF NOT EXISTS FOR (n:Meeting) ON (n.event);
CREATE INDEX meeting_requester IF NOT EXISTS FOR (n:Meeting) ON (n.requester);
CREATE INDEX meeting_recipient IF NOT EXISTS FOR (n:Meeting) ON (n.recipient);
CREATE INDEX slot_booking_meeting IF NOT EXISTS FOR (n:SlotBooking) ON (n.meeting);
CREATE INDEX event_date IF NOT EXISTS FOR (n:Event) ON (n.date);
